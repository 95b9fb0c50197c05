package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/emnkg/emnkg/graph/model"
	"github.com/emnkg/emnkg/internal/auth"
	"github.com/emnkg/emnkg/internal/emnkg"
)

// requireRole fails unless the caller has at least role: UNAUTHENTICATED
// for anonymous callers, FORBIDDEN for too low a role.
func (r *Resolver) requireRole(ctx context.Context, role emnkg.Role) error {
	return auth.Require(ctx, role)
}

// authDirective implements @auth(requires: ...): the one place every
// field carrying it, every mutation among them, passes through.
func (r *Resolver) authDirective(ctx context.Context, _ any, next graphql.Resolver, requires model.Role) (any, error) {
	if err := r.requireRole(ctx, roleOf(requires)); err != nil {
		return nil, err
	}
	return next(ctx)
}

// roleOf maps the schema's Role enum to a domain role.
func roleOf(r model.Role) emnkg.Role {
	switch r {
	case model.RoleResearcher:
		return emnkg.RoleResearcher
	case model.RoleEditor:
		return emnkg.RoleEditor
	case model.RoleAdmin:
		return emnkg.RoleAdmin
	}
	return emnkg.RoleAnonymous
}

// roleEnum maps a domain role to the schema's Role enum.
func roleEnum(r emnkg.Role) model.Role {
	switch r {
	case emnkg.RoleResearcher:
		return model.RoleResearcher
	case emnkg.RoleEditor:
		return model.RoleEditor
	case emnkg.RoleAdmin:
		return model.RoleAdmin
	}
	return model.RoleAnonymous
}

// me answers the me field.
func (r *Resolver) me(ctx context.Context) *model.Principal {
	p := auth.PrincipalFrom(ctx)
	return &model.Principal{Subject: p.Subject, Role: roleEnum(p.Role)}
}
