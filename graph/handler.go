package graph

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/emnkg/emnkg/internal/emnkg"
)

// HandlerOptions configure the GraphQL handler.
type HandlerOptions struct {
	// Introspection allows schema introspection queries.
	Introspection bool
	// QueryCacheSize is the number of parsed queries kept.
	QueryCacheSize int
}

// NewHandler returns the GraphQL HTTP handler over r, with explicit
// transports (GET and POST), a parsed-query cache, error codes on every
// error, and panics turned into INTERNAL errors.
func NewHandler(r *Resolver, opts HandlerOptions) *handler.Server {
	srv := handler.New(NewExecutableSchema(Config{Resolvers: r}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	if opts.QueryCacheSize <= 0 {
		opts.QueryCacheSize = 1000
	}
	srv.SetQueryCache(lru.New[*ast.QueryDocument](opts.QueryCacheSize))
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(withLoaders(ctx, r.Store, r.BatchWait))
	})
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return presentError(ctx, r, err)
	})
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		r.Logger.ErrorContext(ctx, "panic while resolving", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return errors.New("panic")
	})
	return srv
}

// Codes returned in extensions.code.
const (
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeNotFound        = "NOT_FOUND"
	CodeConflict        = "CONFLICT"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeUnavailable     = "SERVICE_UNAVAILABLE"
	CodeInternal        = "INTERNAL"
)

var codeOf = map[string]string{
	emnkg.EINVALID:      CodeBadUserInput,
	emnkg.ENOTFOUND:     CodeNotFound,
	emnkg.ECONFLICT:     CodeConflict,
	emnkg.EUNAUTHORIZED: CodeUnauthenticated,
	emnkg.EFORBIDDEN:    CodeForbidden,
	emnkg.EUNAVAILABLE:  CodeUnavailable,
	emnkg.EINTERNAL:     CodeInternal,
}

// presentError turns any error into a client-safe GraphQL error with a
// code. Domain errors keep their message; gqlgen's own parse and validation
// errors keep theirs; anything else is logged and masked as INTERNAL.
func presentError(ctx context.Context, r *Resolver, err error) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	if gqlErr.Extensions == nil {
		gqlErr.Extensions = map[string]any{}
	}
	var domainErr *emnkg.Error
	var parserErr *gqlerror.Error
	switch {
	case errors.As(err, &domainErr) && domainErr.Code != emnkg.EINTERNAL:
		gqlErr.Message = domainErr.Message
		gqlErr.Extensions["code"] = codeOf[domainErr.Code]
		if domainErr.Field != "" {
			gqlErr.Extensions["field"] = domainErr.Field
		}
	case errors.Is(err, context.DeadlineExceeded):
		gqlErr.Message = "The request took too long and was cancelled."
		gqlErr.Extensions["code"] = "TIMEOUT"
	case errors.As(err, &parserErr) && parserErr.Err == nil:
		if _, ok := gqlErr.Extensions["code"]; !ok {
			gqlErr.Extensions["code"] = CodeBadUserInput
		}
	default:
		r.Logger.ErrorContext(ctx, "internal error", "error", err.Error(), "path", gqlErr.Path.String(),
			"time", time.Now().UTC().Format(time.RFC3339))
		gqlErr.Message = "Internal error."
		gqlErr.Extensions = map[string]any{"code": CodeInternal}
	}
	return gqlErr
}
