package reliability_test

import (
	"time"

	"github.com/emnkg/emnkg/graph"
	"github.com/emnkg/emnkg/internal/auth"
	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/emnkg/emnkg/internal/server"
)

// serverNew returns a server over store configured like emnkg serve with
// its defaults (request limits, body size), with authentication.
func serverNew(store emnkg.Store, authn *auth.Authenticator) (*server.Server, error) {
	limits := graph.DefaultLimits()
	return server.New(server.Config{Introspection: true, RequestTimeout: 30 * time.Second, MaxBodyBytes: 1 << 20,
		Limits: &limits, HandlerOptions: graph.HandlerOptions{Authenticator: authn}}, store, nil)
}
