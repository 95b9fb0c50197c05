// Package metrics holds emnkg's Prometheus metrics: GraphQL requests by
// operation and outcome, their latency, requests refused by a limit,
// requests held while the database did not answer, the store's round
// trips to its database and their latency, and active subscriptions.
// Each Metrics has its own registry, so tests and several servers in one
// process never share counters.
package metrics

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/emnkg/emnkg/internal/emnkg"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Outcomes of a GraphQL request, the outcome label's values.
const (
	// OutcomeSuccess is a request that ran without error.
	OutcomeSuccess = "success"
	// OutcomeFieldError is a request that ran and returned data with errors.
	OutcomeFieldError = "field_error"
	// OutcomeRequestError is a request refused before running: unparsable,
	// invalid, or over a limit.
	OutcomeRequestError = "request_error"
	// OutcomeHTTPError is a request refused by the HTTP layer: wrong
	// method, media type, body or parameters.
	OutcomeHTTPError = "http_error"
	// OutcomeServerError is a request that failed on the server (5xx).
	OutcomeServerError = "server_error"
)

// Outcomes of a request held while the store's database did not answer,
// the outcome label's values of the hold metric.
const (
	// HoldReleased is a held request that ran: the database answered
	// again within the hold time.
	HoldReleased = "released"
	// HoldRefused is a held request refused (503): the hold time or the
	// request's deadline ended first, or the client went away.
	HoldRefused = "refused"
)

// Operation names stand in for a real one on the operation label.
const (
	// Anonymous labels operations without a name.
	Anonymous = "(anonymous)"
	// Other labels operations past the distinct names kept.
	Other = "(other)"
)

// Metrics are the collectors of one server.
type Metrics struct {
	registry      *prometheus.Registry
	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	rejected      *prometheus.CounterVec
	held          *prometheus.HistogramVec
	roundTrips    *prometheus.CounterVec
	roundTripTime *prometheus.HistogramVec
	subscriptions prometheus.Gauge
	inFlight      prometheus.Gauge

	// names bounds the operation label: operation names come from
	// clients, so only the first maxNames distinct ones are kept.
	mu       sync.Mutex
	names    map[string]bool
	maxNames int
}

// New returns the metrics of one server, registered with a registry of
// their own along with the Go runtime and process collectors.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "emnkg_graphql_requests_total",
			Help: "GraphQL requests by operation name, operation type and outcome.",
		}, []string{"operation", "type", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "emnkg_graphql_request_duration_seconds",
			Help:    "Time to answer a GraphQL request, by operation name and outcome.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"operation", "outcome"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "emnkg_graphql_rejected_total",
			Help: "GraphQL requests refused for going over a limit, by the limit's error code.",
		}, []string{"limit"}),
		held: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "emnkg_store_hold_seconds",
			Help:    "Time GraphQL requests were held while the store's database did not answer, by outcome (released: it answered again and the request ran; refused: 503).",
			Buckets: []float64{.1, .25, .5, 1, 2.5, 5, 10, 15, 20, 30},
		}, []string{"outcome"}),
		roundTrips: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "emnkg_store_round_trips_total",
			Help: "Round trips of the store to its database (one transaction each), by mode (read, write) and outcome (ok, or the error code).",
		}, []string{"mode", "outcome"}),
		roundTripTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "emnkg_store_round_trip_duration_seconds",
			Help:    "Time of the store's round trips to its database, by mode (read, write).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"mode"}),
		subscriptions: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "emnkg_graphql_active_subscriptions",
			Help: "GraphQL subscriptions being served.",
		}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "emnkg_http_requests_in_flight",
			Help: "HTTP requests being served.",
		}),
		names:    map[string]bool{},
		maxNames: 500,
	}
	m.registry.MustRegister(m.requests, m.duration, m.rejected, m.held, m.roundTrips, m.roundTripTime, m.subscriptions, m.inFlight,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Registry returns the registry, to add collectors or gather in tests.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// operation returns the label for an operation name: the name itself for
// at most maxNames distinct valid GraphQL names, then Other.
func (m *Metrics) operation(name string) string {
	if name == "" {
		return Anonymous
	}
	if len(name) > 100 || strings.TrimFunc(name, isNameRune) != "" {
		return Other
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.names[name] {
		return name
	}
	if len(m.names) >= m.maxNames {
		return Other
	}
	m.names[name] = true
	return name
}

func isNameRune(r rune) bool {
	return r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
}

// ObserveRequest records one GraphQL request: its operation name (empty
// for anonymous), operation type (query, mutation, subscription, or empty
// when unknown), outcome (one of the Outcome constants) and duration.
func (m *Metrics) ObserveRequest(operation, opType, outcome string, d time.Duration) {
	if opType == "" {
		opType = "unknown"
	}
	op := m.operation(operation)
	m.requests.WithLabelValues(op, opType, outcome).Inc()
	m.duration.WithLabelValues(op, outcome).Observe(d.Seconds())
}

// Rejected records a request refused for going over the limit whose error
// code is code.
func (m *Metrics) Rejected(code string) {
	m.rejected.WithLabelValues(code).Inc()
}

// Held records a request held for d while the store's database did not
// answer, and how the hold ended (HoldReleased or HoldRefused).
func (m *Metrics) Held(outcome string, d time.Duration) {
	m.held.WithLabelValues(outcome).Observe(d.Seconds())
}

// RoundTrip records a round trip of the store to its database (an
// emnkg.RoundTripObserver): a write or a read, its duration, and its
// outcome ("ok", or the error's code, such as not_found or unavailable).
func (m *Metrics) RoundTrip(write bool, d time.Duration, err error) {
	mode, outcome := "read", "ok"
	if write {
		mode = "write"
	}
	if err != nil {
		outcome = emnkg.ErrorCode(err)
	}
	m.roundTrips.WithLabelValues(mode, outcome).Inc()
	m.roundTripTime.WithLabelValues(mode).Observe(d.Seconds())
}

// SubscriptionStarted records a subscription starting; call the function
// it returns once when it ends (calling it again does nothing).
func (m *Metrics) SubscriptionStarted() (ended func()) {
	m.subscriptions.Inc()
	var once sync.Once
	return func() { once.Do(m.subscriptions.Dec) }
}

// RequestStarted records an HTTP request starting; call the function it
// returns when it ends.
func (m *Metrics) RequestStarted() (ended func()) {
	m.inFlight.Inc()
	return m.inFlight.Dec
}
