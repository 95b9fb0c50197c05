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
	coderws "github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/emnkg/emnkg/internal/auth"
	"github.com/emnkg/emnkg/internal/emnkg"
)

// HandlerOptions configure the GraphQL handler.
type HandlerOptions struct {
	// Introspection allows schema introspection queries.
	Introspection bool
	// QueryCacheSize is the number of parsed queries kept.
	QueryCacheSize int
	// Authenticator turns bearer tokens into principals; nil treats every
	// caller as anonymous.
	Authenticator *auth.Authenticator
	// ReadsNeedAuth makes every operation require an authenticated caller.
	ReadsNeedAuth bool
	// RequestID returns the ID of the request a context belongs to; it is
	// put on INTERNAL errors so that a client can quote it and operators
	// find the details in the log.
	RequestID func(context.Context) string
	// WebsocketOrigins are host patterns (e.g. "dash.example.org",
	// "localhost:*") whose pages may open subscriptions over websockets;
	// same-origin pages always may.
	WebsocketOrigins []string
}

// NewHandler returns the GraphQL HTTP handler over r, with explicit
// transports (GET and POST), a parsed-query cache, error codes on every
// error, and panics turned into INTERNAL errors.
func NewHandler(r *Resolver, opts HandlerOptions) *handler.Server {
	srv := handler.New(NewExecutableSchema(Config{Resolvers: r, Directives: DirectiveRoot{Auth: r.authDirective}}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.SSE{KeepAlivePingInterval: 15 * time.Second})
	srv.AddTransport(transport.POST{})
	srv.AddTransport(transport.Websocket{
		Implementation: transport.CoderWebsocketImplementation{AcceptOptions: coderws.AcceptOptions{
			OriginPatterns: opts.WebsocketOrigins}},
		KeepAlivePingInterval: 15 * time.Second,
		InitTimeout:           10 * time.Second,
		InitFunc: func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			p, err := authenticate(ctx, opts.Authenticator, payload.Authorization())
			if err != nil {
				return ctx, nil, errors.New(emnkg.ErrorMessage(err))
			}
			return context.WithValue(auth.WithPrincipal(ctx, p), authenticatedKey{}, true), nil, nil
		},
	})
	if opts.QueryCacheSize <= 0 {
		opts.QueryCacheSize = 1000
	}
	srv.SetQueryCache(lru.New[*ast.QueryDocument](opts.QueryCacheSize))
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	}
	// Automatic persisted queries: clients may send a query's SHA-256 hash
	// instead of its text once the server has seen it.
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](opts.QueryCacheSize)})
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if done, _ := ctx.Value(authenticatedKey{}).(bool); !done {
			// HTTP transports: authenticate the Authorization header.
			// Websockets authenticated their connection_init already.
			p, err := authenticate(ctx, opts.Authenticator, graphql.GetOperationContext(ctx).Headers.Get("Authorization"))
			if err != nil {
				return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{presentError(ctx, r, err)}})
			}
			ctx = auth.WithPrincipal(ctx, p)
		}
		if opts.ReadsNeedAuth && auth.PrincipalFrom(ctx).IsAnonymous() {
			err := emnkg.Errorf(emnkg.EUNAUTHORIZED, "This server needs a bearer token for every request.")
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{presentError(ctx, r, err)}})
		}
		return next(withLoaders(ctx, r.Store, r.BatchWait))
	})
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := presentError(ctx, r, err)
		if opts.RequestID != nil && gqlErr.Extensions["code"] == CodeInternal {
			if id := opts.RequestID(ctx); id != "" {
				gqlErr.Extensions["requestId"] = id
			}
		}
		return gqlErr
	})
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		r.Logger.ErrorContext(ctx, "panic while resolving", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return errors.New("panic")
	})
	return srv
}

// authenticatedKey marks a context whose caller is already authenticated
// (a websocket's connection_init).
type authenticatedKey struct{}

// authenticate resolves an Authorization header value to a principal;
// without an authenticator every caller is anonymous, and a token is then
// refused rather than ignored.
func authenticate(ctx context.Context, a *auth.Authenticator, authorization string) (auth.Principal, error) {
	if a == nil {
		if authorization != "" {
			return auth.Principal{}, emnkg.Errorf(emnkg.EUNAUTHORIZED, "This server accepts no tokens.")
		}
		return auth.Anonymous(), nil
	}
	return a.Authenticate(ctx, authorization)
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
	emnkg.ENOTSUPPORTED: "NOT_SUPPORTED",
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
	// A request that ended (its deadline passed, or its client went away)
	// fails in whatever way the store's driver reports the interruption
	// (an interrupted SQLite statement, for one), which is no internal
	// error.
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		gqlErr.Message = "The request took too long and was cancelled."
		gqlErr.Extensions = map[string]any{"code": "TIMEOUT"}
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		gqlErr.Message = "The request was cancelled."
		gqlErr.Extensions = map[string]any{"code": "CANCELLED"}
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
