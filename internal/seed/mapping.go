package seed

// Hand-made mappings from free-text fields of the data to node IDs. Every
// free-text value the data holds must be listed here; Graph fails on one
// that is not, so that new data is mapped by a person, never guessed.

// ncpKey identifies one NCP record's host or partner text.
type ncpKey struct{ country, text string }

// createHost marks a host organisation that has no organisation record: an
// Organisation node "org-<iso2>-<slug>" is made from the host text itself.
const createHost = ""

// hostOrgs maps each NCP record's hostOrganisation to the organisation
// record that is the same body (the host text often names a unit of it), or
// to createHost.
var hostOrgs = map[ncpKey]string{
	{"AT", "IOM Country Office for Austria (Vienna), Research and Migration Law Department"}:                                                                   "org-iom-austria",
	{"BE", "Immigration Office (DVZ/OE) within the Federal Public Service Home Affairs/Interior (general coordination)"}:                                       "org-be-immigration-office",
	{"BG", "Migration Directorate, Ministry of Interior"}:                                                                                                      "org-bg-migration-directorate",
	{"HR", "Ministry of the Interior"}:                                                                                                                         "org-hr-moi",
	{"HR", "International Organization for Migration (IOM) Office for Croatia, Zagreb"}:                                                                        "org-iom-croatia",
	{"CY", "Ministry of Interior (coordinating role)"}:                                                                                                         "org-cy-moi",
	{"CZ", "Department for Asylum and Migration Policy (OAMP), Ministry of the Interior"}:                                                                      "org-cz-oamp",
	{"EE", "Tallinn University, School of Governance, Law and Society"}:                                                                                        "org-tlu",
	{"EE", "Estonian Academy of Security Sciences, Institute of Internal Security"}:                                                                            "org-eass",
	{"FI", "Finnish Immigration Service (Migri), Legal and Country Information Unit"}:                                                                          "org-migri",
	{"FR", "Directorate-General for Foreign Nationals in France (DGEF), Department of Statistics, Studies and Documentation (DSED), Ministry of the Interior"}: "org-dgef",
	{"DE", "Federal Office for Migration and Refugees (BAMF), Research Centre Migration, Integration and Asylum"}:                                              "org-bamf",
	{"GR", "Ministry of Interior and Administrative Reform"}:                                                                                                   createHost,
	{"GR", "European Affairs Unit, Directorate for European and International Cooperation, Ministry of Migration and Asylum"}:                                  "org-gr-mma",
	{"HU", "Ministry of Interior (Department of European Cooperation)"}:                                                                                        "org-hu-moi",
	{"IE", "Economic and Social Research Institute (ESRI)"}:                                                                                                    "org-esri",
	{"IT", "IDOS Centro Studi e Ricerche"}:                                                                                                                     "org-idos",
	{"IT", "National Research Council (CNR), Department of Human and Social Sciences, Cultural Heritage"}:                                                      "org-cnr",
	{"IT", "Central Directorate for Immigration and Asylum Policies, Department for Civil Liberties and Immigration, Ministry of the Interior"}:                "org-it-dlci",
	{"LV", "Office of Citizenship and Migration Affairs (OCMA/PMLP), under the Ministry of the Interior"}:                                                      "org-ocma",
	{"LT", "International Organization for Migration (IOM), Vilnius office"}:                                                                                   "org-iom-vilnius",
	{"LU", "University of Luxembourg (Department of Geography and Spatial Planning)"}:                                                                          "org-uni-lu",
	{"MT", "Third Country Nationals Unit, Ministry for Home Affairs and National Security"}:                                                                    "org-mt-mhas",
	{"NL", "Immigration and Naturalisation Service (IND), Research and Analysis Department (INDIAC)"}:                                                          "org-ind",
	{"PL", "Ministry of Interior and Administration (MSWiA), Department for Migration Policy"}:                                                                 "org-pl-mswia",
	{"PT", "Immigration and Borders Service (SEF), Ministry of Internal Affairs"}:                                                                              "org-sef",
	{"PT", "Agency for Integration, Migration and Asylum (AIMA, I.P.)"}:                                                                                        "org-aima",
	{"RO", "Immigration Office (Romanian Immigration Office)"}:                                                                                                 createHost,
	{"SK", "International Organization for Migration (IOM), Office in the Slovak Republic (coordinator)"}:                                                      "org-iom-slovakia",
	{"SI", "Ministry of the Interior"}:                                                                                                                         "org-si-moi",
	{"ES", "Deputy General Directorate for Legal Affairs, General Secretariat for Immigration and Emigration, Ministry of Employment and Social Security"}:     "org-es-sgie",
	{"SE", "Statistics Sweden (SCB)"}:                                                                                                                          "org-scb",
	{"SE", "Swedish Migration Agency (Migrationsverket), business analysis unit, planning department"}:                                                         "org-migrationsverket",
	{"NO", "Norwegian Directorate of Immigration (UDI), with the Ministry of Justice and Public Security"}:                                                     "org-udi",
	{"UA", "State Migration Service of Ukraine"}:                                                                                                               "org-sms-ua",
	{"RS", "Commissariat for Refugees and Migration"}:                                                                                                          "org-kirs",
	{"ME", "Ministry of the Interior of Montenegro"}:                                                                                                           createHost,
	{"AM", "Migration Service of Armenia"}:                                                                                                                     createHost,
	{"MK", "Ministry of Interior of North Macedonia"}:                                                                                                          createHost,
	{"AL", "Ministry of Interior of Albania"}:                                                                                                                  createHost,
}

// orgRef names the organisation a partner text stands for. When ID is an
// organisation record, that record is reused; otherwise a node is created
// with Name (the partner text when empty) and Kind (omitted when empty).
type orgRef struct {
	ID, Name, Kind string
	// Note is set on a created node.
	Note string
}

const splitNote = "The NCP record lists this body in one partner entry: %q."

// partnerOrgs maps each partner text of an NCP record to the bodies it
// names. Kind is given only where the text itself says what the body is.
var partnerOrgs = map[ncpKey][]orgRef{
	{"BE", "Office of the Commissioner General for Refugees and Stateless Persons (CGRS)"}: {{ID: "org-cgrs"}},
	{"BE", "Federal Agency for the Reception of Asylum Seekers (Fedasil)"}:                 {{ID: "org-fedasil"}},
	{"BE", "Federal Migration Centre Myria"}:                                               {{ID: "org-myria"}},

	{"BG", "State Agency for Refugees with the Council of Ministers"}: {{ID: "org-bg-state-agency-for-refugees", Kind: "agency"}},
	{"BG", "Ministry of Labour and Social Policy"}:                    {{ID: "org-bg-ministry-of-labour-and-social-policy", Kind: "ministry"}},

	{"CY", "Civil Registry and Migration Department"}: {{ID: "org-cy-civil-registry-and-migration-department"}},
	{"CY", "Asylum Service"}:                          {{ID: "org-cy-asylum-service"}},
	{"CY", "Aliens and Immigration Office"}:           {{ID: "org-cy-aliens-and-immigration-office"}},

	{"LT", "Ministry of the Interior"}: {{ID: "org-lt-ministry-of-the-interior", Kind: "ministry"}},
	{"LT", "Migration Department"}:     {{ID: "org-lt-migration-department"}},

	{"LU", "Directorate of Immigration (Ministry of Foreign and European Affairs)"}: {{ID: "org-lu-directorate-of-immigration", Kind: "ministry"}},
	{"LU", "Office national de l'accueil (ONA)"}:                                    {{ID: "org-lu-ona", Kind: "agency"}},
	{"LU", "CEFIS"}:  {{ID: "org-lu-cefis"}},
	{"LU", "STATEC"}: {{ID: "org-lu-statec"}},

	{"MT", "Immigration Police"}:                            {{ID: "org-mt-immigration-police"}},
	{"MT", "Office of the Refugee Commissioner"}:            {{ID: "org-mt-office-of-the-refugee-commissioner"}},
	{"MT", "Citizenship and Expatriate Affairs Department"}: {{ID: "org-mt-citizenship-and-expatriate-affairs-department"}},
	{"MT", "National Office of Statistics"}:                 {{ID: "org-mt-national-office-of-statistics"}},
	{"MT", "Employment and Training Corporation"}:           {{ID: "org-mt-employment-and-training-corporation"}},
	{"MT", "Agency for the Welfare of Asylum Seekers"}:      {{ID: "org-mt-agency-for-the-welfare-of-asylum-seekers", Kind: "agency"}},

	{"PL", "Ministry of Labour"}:        {{ID: "org-pl-ministry-of-labour", Kind: "ministry"}},
	{"PL", "Office for Foreigners"}:     {{ID: "org-pl-office-for-foreigners"}},
	{"PL", "Border Guard Headquarters"}: {{ID: "org-pl-border-guard-headquarters"}},
	{"PL", "Main Statistical Office"}:   {{ID: "org-pl-main-statistical-office"}},

	{"SK", "Ministry of Interior (Migration Office; Bureau of Border and Alien Police of the Police Corps Presidium; Department of International and European Affairs)"}: {{ID: "org-sk-ministry-of-interior", Kind: "ministry"}},
	{"SK", "Ministry of Labour, Social Affairs and Family"}: {{ID: "org-sk-ministry-of-labour-social-affairs-and-family", Kind: "ministry"}},
	{"SK", "Statistical Office of the Slovak Republic"}:     {{ID: "org-sk-statistical-office"}},

	{"SI", "Police"}:                      {{ID: "org-si-police"}},
	{"SI", "Ministry of Foreign Affairs"}: {{ID: "org-si-ministry-of-foreign-affairs", Kind: "ministry"}},
	{"SI", "Ministry of Labour, Family, Social Affairs and Equal Opportunities"}: {{ID: "org-si-ministry-of-labour-family-social-affairs-and-equal-opportunities", Kind: "ministry"}},

	{"ES", "Ministry of the Interior"}:                    {{ID: "org-es-ministry-of-the-interior", Kind: "ministry"}},
	{"ES", "Ministry of Foreign Affairs and Cooperation"}: {{ID: "org-es-ministry-of-foreign-affairs-and-cooperation", Kind: "ministry"}},
	// One entry naming two bodies; each becomes its own node.
	{"ES", "Ministry of Justice and the General Prosecutor's Office"}: {
		{ID: "org-es-ministry-of-justice", Name: "Ministry of Justice", Kind: "ministry", Note: splitNote},
		{ID: "org-es-general-prosecutors-office", Name: "General Prosecutor's Office", Note: splitNote},
	},

	{"NO", "Ministry of Justice and Public Security"}: {{ID: "org-no-moj"}},
}

// publishers maps each publisher text of a publication to the nodes it
// unambiguously names; an empty list keeps only the publisher property.
// "(EMN)" after a Commission body says the document was issued for the EMN.
var publishers = map[string][]string{
	"EMN":                                                {"net-emn"},
	"European Commission":                                {"org-european-commission"},
	"European Commission (EMN)":                          {"org-european-commission", "net-emn"},
	"EMN / European Commission":                          {"net-emn", "org-european-commission"},
	"EMN Return Expert Group":                            {"net-reg"},
	"EMN Platform on Statelessness":                      {"net-platform-statelessness"},
	"EMN / European Commission (Home Affairs)":           {"net-emn", "org-european-commission"},
	"European Commission, DG Migration and Home Affairs": {"org-dg-home"},
	"Directorate General Migration and Home Affairs, European Commission (EMN)": {"org-dg-home", "net-emn"},
	// The DG HOME record notes that older pages call it the
	// Directorate-General for Home Affairs.
	"Directorate General Home Affairs, European Commission (EMN)": {"org-dg-home", "net-emn"},
	"NL EMN NCP (INDIAC, IND)":                                    {"ncp-NL"},
	"MT EMN NCP":                                                  {"ncp-MT"},
	"NO EMN NCP":                                                  {"ncp-NO"},
	"LV EMN NCP (Office of Citizenship and Migration Affairs)": {"ncp-LV"},
	"ES EMN NCP": {"ncp-ES"},
	"French Contact Point for the EMN (DGEF, Ministry of the Interior)": {"ncp-FR"},
	"EMN France (DGEF, Ministry of the Interior)":                       {"ncp-FR"},
	"EMN Ireland (ESRI)": {"ncp-IE"},
}

// reportsOn maps publications to the one country their title names as the
// subject.
var reportsOn = map[string]string{
	"pub-cf-de-2014":           "DE", // Country Factsheet: Germany 2014
	"pub-nl-organisation-2012": "NL", // ... Policies in the Netherlands
	"pub-mt-organisation-2008": "MT", // ... Policies in Malta
	"pub-no-organisation-2012": "NO", // ... Policies in Norway
	"pub-lv-overview-2016":     "LV", // ... Policy in Latvia
	"pub-mt-apr-2012":          "MT", // ... Policy in Malta
	"pub-es-apr-2012":          "ES", // ...: Spain 2012
	"pub-es-apr-2015":          "ES", // ...: Spain 2015
	"pub-fr-arm-2017":          "FR", // ... Part 2 (France)
	"pub-fr-arm-2019":          "FR", // ... Policies in France
	"pub-ie-arm-2022":          "IE", // ... 2022: Ireland
}
