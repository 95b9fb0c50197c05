package graph

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/emnkg/emnkg/graph/model"
	"github.com/emnkg/emnkg/internal/auth"
	"github.com/emnkg/emnkg/internal/emnkg"
)

// editor returns the store's write side.
func (r *Resolver) editor() (emnkg.Editor, error) {
	e, ok := r.Store.(emnkg.Editor)
	if !ok {
		return nil, emnkg.Errorf(emnkg.ENOTSUPPORTED, "This store does not support editing.")
	}
	return e, nil
}

// now returns the time of a change, in UTC and to the millisecond, as
// every store keeps it.
func (r *Resolver) now() time.Time {
	now := time.Now
	if r.Clock != nil {
		now = r.Clock
	}
	return now().UTC().Truncate(time.Millisecond)
}

// apply applies one change set as the caller, in one transaction, and
// publishes its records to subscribers once it is committed.
func (r *Resolver) apply(ctx context.Context, changes ...emnkg.Change) (*emnkg.ApplyResult, error) {
	ed, err := r.editor()
	if err != nil {
		return nil, err
	}
	res, err := ed.Apply(ctx, emnkg.ChangeSet{Actor: auth.PrincipalFrom(ctx).Subject, Time: r.now(), Changes: changes})
	if err != nil {
		return nil, reportFieldErrors(ctx, err)
	}
	if r.Changes != nil {
		for _, rec := range res.Records {
			r.Changes.Publish(rec)
		}
	}
	return res, nil
}

// reportFieldErrors adds every field error of a validation error but the
// last to the response, and returns the last, so that each invalid field
// is reported with its code.
func reportFieldErrors(ctx context.Context, err error) error {
	var ve *emnkg.ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) < 2 {
		return err
	}
	for _, e := range ve.Errors[:len(ve.Errors)-1] {
		graphql.AddError(ctx, e)
	}
	return ve.Errors[len(ve.Errors)-1]
}

// inputProps turns a create or update input into properties. With patch,
// absent fields are left out and null fields map to nil (remove).
func inputProps(input map[string]any, patch bool) (string, map[string]any, error) {
	in, err := plainJSON(input)
	if err != nil {
		return "", nil, err
	}
	id, _ := in["id"].(string)
	delete(in, "id")
	props := map[string]any{}
	for k, v := range in {
		switch k {
		case "prefLabels", "definitions", "scopeNotes":
			name := map[string]string{"prefLabels": "prefLabel", "definitions": "definition", "scopeNotes": "scopeNote"}[k]
			list, _ := v.([]any)
			for _, item := range list {
				m, _ := item.(map[string]any)
				lang, _ := m["language"].(string)
				if !emnkg.ValidLanguage(lang) {
					return "", nil, emnkg.FieldErrorf(emnkg.EINVALID, k, "Invalid language code %q.", lang)
				}
				if _, dup := props[emnkg.LangKey(name, lang)]; dup {
					return "", nil, emnkg.FieldErrorf(emnkg.EINVALID, k, "At most one %s per language (%s).", name, lang)
				}
				props[emnkg.LangKey(name, lang)] = m["value"]
			}
		case "altLabels", "hiddenLabels":
			list, _ := v.([]any)
			for _, item := range list {
				m, _ := item.(map[string]any)
				lang, _ := m["language"].(string)
				if !emnkg.ValidLanguage(lang) {
					return "", nil, emnkg.FieldErrorf(emnkg.EINVALID, k, "Invalid language code %q.", lang)
				}
				props[emnkg.LangKey(k, lang)] = m["values"]
			}
		default:
			if n, ok := v.(interface{ Int64() (int64, error) }); ok {
				i, err := n.Int64()
				if err != nil {
					return "", nil, emnkg.FieldErrorf(emnkg.EINVALID, k, "%s must be an integer.", k)
				}
				v = i
			}
			if v == nil && !patch {
				continue
			}
			props[k] = v
		}
	}
	return id, props, nil
}

// multilingualInputs are the input fields that set every language of a
// multilingual property at once.
var multilingualInputs = map[string]string{"prefLabels": "prefLabel", "definitions": "definition",
	"scopeNotes": "scopeNote", "altLabels": "altLabels", "hiddenLabels": "hiddenLabels"}

// clearReplacedLanguages adds removals for the languages of multilingual
// properties that an update replaces but does not name again.
func clearReplacedLanguages(input map[string]any, current *emnkg.Node, props map[string]any) {
	for field, name := range multilingualInputs {
		if _, given := input[field]; !given {
			continue
		}
		langs, _ := emnkg.LangValues(current.Props, name)
		for _, l := range langs {
			if _, kept := props[emnkg.LangKey(name, l)]; !kept {
				props[emnkg.LangKey(name, l)] = nil
			}
		}
	}
}

// createNode answers create<Kind>.
func createNode[T model.Node](ctx context.Context, r *Resolver, kind emnkg.Kind, input map[string]any) (T, error) {
	return writeNode[T](ctx, r, emnkg.OpCreateNode, kind, "", nil, input)
}

// upsertNode answers upsert<Kind>.
func upsertNode[T model.Node](ctx context.Context, r *Resolver, kind emnkg.Kind, input map[string]any, version *int) (T, error) {
	return writeNode[T](ctx, r, emnkg.OpUpsertNode, kind, "", version, input)
}

// updateNode answers update<Kind>.
func updateNode[T model.Node](ctx context.Context, r *Resolver, kind emnkg.Kind, id string, version *int, input map[string]any) (T, error) {
	return writeNode[T](ctx, r, emnkg.OpUpdateNode, kind, id, version, input)
}

func writeNode[T model.Node](ctx context.Context, r *Resolver, op emnkg.ChangeOp, kind emnkg.Kind, id string,
	version *int, input map[string]any) (T, error) {
	var zero T
	inputID, props, err := inputProps(input, op == emnkg.OpUpdateNode)
	if err != nil {
		return zero, err
	}
	if op != emnkg.OpUpdateNode {
		id = inputID
	} else {
		current, err := r.Store.GetNodes(ctx, []string{id})
		if err != nil {
			return zero, err
		}
		if len(current) == 0 || current[0].Kind != kind {
			return zero, emnkg.Errorf(emnkg.ENOTFOUND, "No %s with ID %q.", kind, id)
		}
		clearReplacedLanguages(input, current[0], props)
	}
	c := emnkg.Change{Op: op, NodeID: id, Kind: kind, Props: props}
	if version != nil {
		if *version < 1 {
			return zero, emnkg.FieldErrorf(emnkg.EINVALID, "version", "version must be at least 1.")
		}
		c.ExpectedVersion = int64(*version)
	}
	res, err := r.apply(ctx, c)
	if err != nil {
		return zero, err
	}
	if len(res.Nodes) == 0 || res.Nodes[0] == nil {
		return zero, errors.New("apply returned no node")
	}
	return asKind[T](res.Nodes[0]), nil
}

// deleteNode answers deleteNode.
func (r *Resolver) deleteNode(ctx context.Context, id string, version *int) (*model.DeletedNode, error) {
	c := emnkg.Change{Op: emnkg.OpDeleteNode, NodeID: id}
	if version != nil {
		c.ExpectedVersion = int64(*version)
	}
	res, err := r.apply(ctx, c)
	if err != nil {
		return nil, err
	}
	out := &model.DeletedNode{ID: id}
	for _, rec := range res.Records {
		if rec.TargetKind != "" && rec.TargetID == id {
			for enum, k := range kindEnum {
				if k == rec.TargetKind {
					out.Kind = enum
				}
			}
		} else if rec.RelType != "" {
			out.DeletedRelationships++
		}
	}
	return out, nil
}

// relationshipProps turns relationship property input into properties.
func relationshipProps(input map[string]any) (map[string]any, error) {
	if input == nil {
		return map[string]any{}, nil
	}
	_, props, err := inputProps(input, false)
	return props, err
}

// link answers link: a manual relationship with its provenance.
func (r *Resolver) link(ctx context.Context, t model.RelationshipType, from, to string, key *string, input map[string]any) (*model.Relationship, error) {
	props, err := relationshipProps(input)
	if err != nil {
		return nil, err
	}
	k := ""
	if key != nil {
		k = *key
	}
	return r.linkOne(ctx, emnkg.RelType(t), from, to, k, props, "manual")
}

// linkOne creates one relationship with provenance: who, when and how.
func (r *Resolver) linkOne(ctx context.Context, t emnkg.RelType, from, to, key string, props map[string]any, method string) (*model.Relationship, error) {
	res, err := r.apply(ctx, linkChange(ctx, r, t, from, to, key, props, method))
	if err != nil {
		return nil, err
	}
	return toRelationship(res.Edges[0]), nil
}

func linkChange(ctx context.Context, r *Resolver, t emnkg.RelType, from, to, key string, props map[string]any, method string) emnkg.Change {
	if props == nil {
		props = map[string]any{}
	}
	props["createdBy"] = auth.PrincipalFrom(ctx).Subject
	props["createdAt"] = r.now().Format(time.RFC3339Nano)
	props["method"] = method
	return emnkg.Change{Op: emnkg.OpLink, Edge: &emnkg.Edge{ID: emnkg.EdgeID(from, t, to, key), Type: t, From: from, To: to, Props: props}}
}

// unlink answers unlink and unlinkGlossaryTerm.
func (r *Resolver) unlink(ctx context.Context, id string) (*model.Relationship, error) {
	res, err := r.apply(ctx, emnkg.Change{Op: emnkg.OpUnlink, Edge: &emnkg.Edge{ID: id}})
	if err != nil {
		return nil, err
	}
	rec := res.Records[0]
	return toRelationship(&emnkg.Edge{ID: rec.TargetID, Type: rec.RelType, From: rec.From, To: rec.To, Props: rec.Before}), nil
}

// linkGlossaryTerm answers linkGlossaryTerm.
func (r *Resolver) linkGlossaryTerm(ctx context.Context, documentID, termID string, note, source *string) (*model.Relationship, error) {
	props := map[string]any{}
	if note != nil {
		props["note"] = *note
	}
	if source != nil {
		props["source"] = *source
	}
	return r.linkOne(ctx, emnkg.RelUsesTerm, documentID, termID, "", props, "manual")
}

// suggestions computes the term suggestions of a document.
func (r *Resolver) suggestions(ctx context.Context, documentID string, languages []string) ([]emnkg.TermSuggestion, map[string]*emnkg.Node, error) {
	for _, l := range languages {
		if !emnkg.ValidLanguage(l) {
			return nil, nil, emnkg.FieldErrorf(emnkg.EINVALID, "languages", "Invalid language code %q.", l)
		}
	}
	docs, err := r.Store.GetNodes(ctx, []string{documentID})
	if err != nil {
		return nil, nil, err
	}
	if len(docs) == 0 || docs[0].Kind != emnkg.KindDocument {
		return nil, nil, emnkg.Errorf(emnkg.ENOTFOUND, "No document with ID %q.", documentID)
	}
	linked := map[string]bool{}
	for _, t := range []emnkg.RelType{emnkg.RelUsesTerm, emnkg.RelRejectedTerm} {
		for offset := 0; ; offset += emnkg.MaxPageSize {
			pages, err := r.Store.FindRelated(ctx, emnkg.RelatedQuery{NodeIDs: []string{documentID}, Type: t,
				Direction: emnkg.DirectionOut, Offset: offset, Limit: emnkg.MaxPageSize})
			if err != nil {
				return nil, nil, err
			}
			page := pages[documentID]
			for _, it := range page.Items {
				linked[it.Node.ID] = true
			}
			if !page.HasMore {
				break
			}
		}
	}
	terms := map[string]*emnkg.Node{}
	var all []*emnkg.Node
	for offset := 0; ; offset += emnkg.MaxPageSize {
		page, err := r.Store.FindNodes(ctx, emnkg.NodeQuery{Kind: emnkg.KindGlossaryTerm, Offset: offset, Limit: emnkg.MaxPageSize})
		if err != nil {
			return nil, nil, err
		}
		for _, n := range page.Nodes {
			terms[n.ID] = n
		}
		all = append(all, page.Nodes...)
		if !page.HasMore {
			break
		}
	}
	return emnkg.SuggestTerms(docs[0], all, languages, linked), terms, nil
}

// suggestGlossaryTerms answers suggestGlossaryTerms.
func (r *Resolver) suggestGlossaryTerms(ctx context.Context, documentID string, languages []string) ([]*model.TermSuggestion, error) {
	sugg, terms, err := r.suggestions(ctx, documentID, languages)
	if err != nil {
		return nil, err
	}
	out := make([]*model.TermSuggestion, 0, len(sugg))
	for _, s := range sugg {
		out = append(out, &model.TermSuggestion{Term: asKind[*model.GlossaryTerm](terms[s.TermID]), Label: s.Label,
			Language: s.Language, Field: s.Field, MatchedText: s.MatchedText, Start: s.Start, End: s.End, Score: s.Score})
	}
	return out, nil
}

// reviewSuggestions accepts and rejects suggested terms in one transaction.
func (r *Resolver) reviewSuggestions(ctx context.Context, documentID string, accept, reject []string, note, source *string) (*model.SuggestionReview, error) {
	sugg, _, err := r.suggestions(ctx, documentID, nil)
	if err != nil {
		return nil, err
	}
	byTerm := map[string]emnkg.TermSuggestion{}
	for _, s := range sugg {
		byTerm[s.TermID] = s
	}
	seen := map[string]bool{}
	var changes []emnkg.Change
	for i, list := range [][]string{accept, reject} {
		for _, id := range list {
			s, ok := byTerm[id]
			if !ok {
				return nil, emnkg.FieldErrorf(emnkg.EINVALID, "accept", "Term %q is not a current suggestion for this document.", id)
			}
			if seen[id] {
				return nil, emnkg.FieldErrorf(emnkg.EINVALID, "accept", "Term %q is named twice.", id)
			}
			seen[id] = true
			props := map[string]any{"note": "Suggested from " + s.Field + ": \"" + s.MatchedText + "\" (" + s.Language + ")."}
			if note != nil {
				props["note"] = *note
			}
			if source != nil {
				props["source"] = *source
			}
			if i == 0 {
				changes = append(changes, linkChange(ctx, r, emnkg.RelUsesTerm, documentID, id, "", props, "accepted-suggestion"))
			} else {
				changes = append(changes, linkChange(ctx, r, emnkg.RelRejectedTerm, documentID, id, "", props, "rejected-suggestion"))
			}
		}
	}
	if len(changes) == 0 {
		return nil, emnkg.FieldErrorf(emnkg.EINVALID, "accept", "Accept or reject at least one term.")
	}
	res, err := r.apply(ctx, changes...)
	if err != nil {
		return nil, err
	}
	out := &model.SuggestionReview{Accepted: []*model.Relationship{}, Rejected: []*model.Relationship{}}
	for _, e := range res.Edges {
		if e.Type == emnkg.RelUsesTerm {
			out.Accepted = append(out.Accepted, toRelationship(e))
		} else {
			out.Rejected = append(out.Rejected, toRelationship(e))
		}
	}
	return out, nil
}

// changeCursor encodes the sequence number of a change.
func changeCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("seq:" + strconv.FormatInt(seq, 10)))
}

func decodeChangeCursor(c string) (int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil && strings.HasPrefix(string(raw), "seq:") {
		if n, err := strconv.ParseInt(string(raw[4:]), 10, 64); err == nil && n >= 0 {
			return n, nil
		}
	}
	return 0, emnkg.FieldErrorf(emnkg.EINVALID, "after", "Invalid cursor in \"after\".")
}

func parseTime(field string, s *string) (time.Time, error) {
	if s == nil {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		return t, emnkg.FieldErrorf(emnkg.EINVALID, field, "%s must be an RFC 3339 time such as 2026-01-31T12:00:00Z.", field)
	}
	return t, nil
}

// changes answers changes and each node's history.
func (r *Resolver) changes(ctx context.Context, since, until, actor, nodeID *string, first *int, after *string) (*model.ChangeConnection, error) {
	ed, err := r.editor()
	if err != nil {
		return nil, err
	}
	q := emnkg.ChangeQuery{Limit: intOr(first, r.DefaultPageSize)}
	if q.Limit < 0 || q.Limit > emnkg.MaxPageSize {
		return nil, emnkg.FieldErrorf(emnkg.EINVALID, "first", "first must be between 0 and %d.", emnkg.MaxPageSize)
	}
	if q.Since, err = parseTime("since", since); err != nil {
		return nil, err
	}
	if q.Until, err = parseTime("until", until); err != nil {
		return nil, err
	}
	if actor != nil {
		q.Actor = *actor
	}
	if nodeID != nil {
		q.NodeID = *nodeID
	}
	if after != nil {
		if q.AfterSeq, err = decodeChangeCursor(*after); err != nil {
			return nil, err
		}
	}
	page, err := ed.Changes(ctx, q)
	if err != nil {
		return nil, err
	}
	conn := &model.ChangeConnection{Edges: []*model.ChangeEdge{}, Nodes: []*model.Change{},
		PageInfo: &model.PageInfo{HasNextPage: page.HasMore, HasPreviousPage: q.AfterSeq > 0}}
	for _, rec := range page.Records {
		c := toChange(rec)
		conn.Edges = append(conn.Edges, &model.ChangeEdge{Cursor: changeCursor(rec.Seq), Node: c})
		conn.Nodes = append(conn.Nodes, c)
	}
	if n := len(page.Records); n > 0 {
		s, e := changeCursor(page.Records[0].Seq), changeCursor(page.Records[n-1].Seq)
		conn.PageInfo.StartCursor, conn.PageInfo.EndCursor = &s, &e
	}
	return conn, nil
}

// history answers a node's history field.
func (r *Resolver) history(ctx context.Context, id string, first *int, after *string) (*model.ChangeConnection, error) {
	return r.changes(ctx, nil, nil, nil, &id, first, after)
}

// toChange converts an audit record.
func toChange(rec emnkg.ChangeRecord) *model.Change {
	c := &model.Change{Seq: strconv.FormatInt(rec.Seq, 10), Time: rec.Time.UTC().Format(time.RFC3339Nano),
		Actor: rec.Actor, Operation: model.ChangeOperation(rec.Op), TargetID: rec.TargetID, Before: rec.Before, After: rec.After}
	for enum, k := range kindEnum {
		if k == rec.TargetKind && k != "" {
			e := enum
			c.TargetKind = &e
		}
	}
	if rec.RelType != "" {
		t := model.RelationshipType(rec.RelType)
		c.RelationshipType = &t
		from, to := rec.From, rec.To
		c.From, c.To = &from, &to
	}
	return c
}

// subscribeChanges answers the changes subscription.
func (r *Resolver) subscribeChanges(ctx context.Context, kinds []model.NodeKind, nodeIDs []string) (<-chan *model.Change, error) {
	if r.Changes == nil {
		return nil, emnkg.Errorf(emnkg.ENOTSUPPORTED, "Live changes are not enabled on this server.")
	}
	if len(nodeIDs) > emnkg.MaxQueryIDs {
		return nil, emnkg.FieldErrorf(emnkg.EINVALID, "nodeIds", "At most %d node IDs.", emnkg.MaxQueryIDs)
	}
	want := domainKinds(kinds)
	ids := map[string]bool{}
	for _, id := range nodeIDs {
		ids[id] = true
	}
	records, cancel := r.Changes.Subscribe(ctx, func(rec emnkg.ChangeRecord) bool {
		return changeMatches(rec, want, ids)
	})
	out := make(chan *model.Change, 1)
	go func() {
		defer close(out)
		defer cancel()
		for {
			select {
			case <-ctx.Done():
				return
			case rec, ok := <-records:
				if !ok {
					return
				}
				select {
				case out <- toChange(rec):
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

// changeMatches reports whether a record passes a subscription's filters.
// A relationship passes a kinds filter when its type may join one of them.
func changeMatches(rec emnkg.ChangeRecord, kinds []emnkg.Kind, ids map[string]bool) bool {
	if len(ids) > 0 && !ids[rec.TargetID] && !ids[rec.From] && !ids[rec.To] {
		return false
	}
	if len(kinds) == 0 {
		return true
	}
	for _, k := range kinds {
		if rec.TargetKind == k {
			return true
		}
		if rec.RelType != "" {
			if def, ok := emnkg.LookupRel(rec.RelType); ok {
				for _, end := range append(append([]emnkg.Kind(nil), def.From...), def.To...) {
					if end == k {
						return true
					}
				}
			}
		}
	}
	return false
}
