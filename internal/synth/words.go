package synth

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Languages are the languages of the synthetic glossary labels: those of
// the factual glossary (EU languages, Norwegian, Armenian, Georgian,
// Ukrainian), English first.
var Languages = []string{"en", "bg", "cs", "de", "el", "es", "et", "fi", "fr", "ga", "hr", "hu", "hy", "it", "ka",
	"lt", "lv", "mt", "nb", "nl", "nn", "no", "pl", "pt", "ro", "sk", "sl", "sv", "uk"}

// syllables per family of languages: each family sounds (and is written)
// differently, with the diacritics and scripts of its languages, so that
// search folding is exercised.
var families = map[string][]string{
	"en": {"ka", "lo", "mi", "ne", "ru", "sa", "te", "vi", "do", "ra", "li", "mo", "pe", "su", "ta", "ve",
		"ri", "no", "la", "me", "ko", "tu", "bi", "fa", "kan", "lor", "mis", "tel", "ven", "dar", "sol", "pin"},
	"germanic": {"ka", "lü", "mo", "nie", "ro", "schä", "te", "wa", "bau", "gen", "hei", "ber", "stö", "ding",
		"ker", "feld", "mar", "tun", "rei", "sel", "dö", "fu", "lin", "gra", "ø", "å", "vik", "berg"},
	"romance": {"ré", "la", "mé", "nou", "sé", "ti", "vé", "pa", "co", "lon", "eau", "ber", "cha", "tion", "mi",
		"dé", "gne", "rou", "ssa", "val", "lé", "qui", "fon", "ris", "ção", "ña", "ță", "dad"},
	"slavic": {"ča", "ře", "ko", "šte", "vo", "ży", "na", "ló", "ść", "pra", "dě", "mi", "ski", "brá", "no",
		"ľu", "vić", "zo", "cz", "gó", "tra", "je", "ha", "dř"},
	"cyrillic": {"ка", "ло", "ми", "не", "ру", "са", "те", "ви", "до", "ра", "ли", "мо", "пе", "су", "та",
		"ве", "жи", "що", "ця", "ба", "гра", "дзе", "ни", "ков"},
	"el":     {"κα", "λο", "μι", "νε", "ρυ", "σα", "τε", "βι", "δο", "ρα", "λι", "μό", "πε", "συ", "τά", "βε", "ση", "ος", "ία", "θε"},
	"baltic": {"ka", "lū", "mi", "ne", "ru", "šas", "te", "vi", "dė", "ra", "lį", "mo", "pe", "su", "tai", "vė", "ņa", "ļi", "ģe", "ķa"},
	"finnic": {"kä", "lo", "mi", "ne", "ru", "sa", "te", "vi", "dö", "ra", "li", "mö", "pe", "su", "ta", "ve", "ő", "ssä", "gy", "ny"},
	"ga":     {"bha", "chá", "dó", "éa", "fhí", "gh", "lú", "mha", "ní", "ó", "ra", "sé", "tí", "úr", "ach", "ann"},
	"mt":     {"ħa", "ġe", "ż", "ċi", "ka", "lo", "mi", "ne", "ru", "sa", "te", "vi", "għ", "ija", "tal", "ment"},
	"hy":     {"կա", "լո", "մի", "նե", "ռու", "սա", "տե", "վի", "դո", "րա", "լի", "մո", "պե", "սու", "յան", "ություն"},
	"ka":     {"კა", "ლო", "მი", "ნე", "რუ", "სა", "ტე", "ვი", "დო", "რა", "ლი", "მო", "პე", "სუ", "ძე", "შვილი"},
}

// familyOf maps a language to its syllable family.
var familyOf = map[string]string{
	"en": "en",
	"de": "germanic", "nl": "germanic", "sv": "germanic", "nb": "germanic", "nn": "germanic", "no": "germanic",
	"fr": "romance", "es": "romance", "it": "romance", "pt": "romance", "ro": "romance",
	"cs": "slavic", "sk": "slavic", "pl": "slavic", "sl": "slavic", "hr": "slavic",
	"bg": "cyrillic", "uk": "cyrillic", "el": "el", "lt": "baltic", "lv": "baltic",
	"fi": "finnic", "et": "finnic", "hu": "finnic", "ga": "ga", "mt": "mt", "hy": "hy", "ka": "ka",
}

// langOffset shifts the words of a language within its family, so that two
// languages of one family spell the same concept differently.
func langOffset(lang string) int {
	h := 0
	for _, r := range lang {
		h = h*31 + int(r)
	}
	return h % 997
}

// Word returns the i-th word (i >= 0) of the synthetic vocabulary in a
// language of Languages: English words are the vocabulary itself, other
// languages translate word i to their own spelling. Word i of a language
// differs from word j of the same language for i != j. Ranks are by
// frequency: word 0 is the most common word of generated labels.
func Word(lang string, i int) string {
	fam, ok := familyOf[lang]
	if !ok {
		fam = "en"
	}
	syl := families[fam]
	x := i
	if lang != "en" {
		x += langOffset(lang)
	}
	return spell(syl, x)
}

// spell writes x in base len(syl), least significant digit first, with at
// least two syllables.
func spell(syl []string, x int) string {
	var b strings.Builder
	base := len(syl)
	b.WriteString(syl[x%base])
	x /= base
	b.WriteString(syl[x%base])
	x /= base
	for x > 0 {
		b.WriteString(syl[x%base])
		x /= base
	}
	return b.String()
}

// title upper-cases the first letter of s.
func title(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// countrySuffixes end synthetic country names.
var countrySuffixes = []string{"ia", "land", "onia", "ovia", "ania", "istan", "ary", "enia"}

// countryName returns the name of synthetic country i.
func countryName(i int) string {
	return title(spell(families["en"], 40+i*7)) + countrySuffixes[i%len(countrySuffixes)]
}

// personSyllables make given and family names.
var (
	givenSyl  = []string{"an", "ma", "ri", "jo", "el", "ka", "to", "li", "sa", "ne", "mi", "da", "pa", "lu", "ia", "os"}
	familySyl = []string{"ber", "ko", "vić", "sen", "mül", "ler", "dos", "ro", "ski", "nen", "ou", "las", "ga", "ton", "ez", "ić", "hoff", "ian"}
)
