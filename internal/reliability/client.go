package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Client sends GraphQL requests to an emnkg server on a loopback address.
type Client struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:8080.
	URL string
	// Token, when set, is sent as a bearer token.
	Token string
	// HTTP is the HTTP client.
	HTTP *http.Client
}

// NewClient returns a client of the server at baseURL, which must be an
// http URL of a loopback address.
func NewClient(baseURL, token string) (*Client, error) {
	if err := CheckLoopback(baseURL); err != nil {
		return nil, err
	}
	tr := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: 30 * time.Second,
		DialContext: (&net.Dialer{Timeout: 2 * time.Second}).DialContext}
	return &Client{URL: baseURL, Token: token, HTTP: &http.Client{Transport: tr, Timeout: 30 * time.Second}}, nil
}

// CheckLoopback fails unless rawURL is an http URL whose host is a
// loopback IP address or localhost: the reliability tools never send
// traffic elsewhere.
func CheckLoopback(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("invalid URL %q: %w", rawURL, err)
	}
	if u.Scheme != "http" {
		return fmt.Errorf("URL %q: only http:// to a loopback address is allowed", rawURL)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("URL %q: the host must be a loopback address such as 127.0.0.1", rawURL)
	}
	return nil
}

// GQLError is one GraphQL error.
type GQLError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

// Code returns the error's extensions.code.
func (e GQLError) Code() string {
	c, _ := e.Extensions["code"].(string)
	return c
}

// Response is a GraphQL response with its HTTP status.
type Response struct {
	Status int
	// RetryAfter is the wait the server asked for with Retry-After (in
	// seconds), or 0.
	RetryAfter time.Duration   `json:"-"`
	Data       json.RawMessage `json:"data"`
	Errors     []GQLError      `json:"errors"`
}

// OK tells a response with data and no error.
func (r *Response) OK() bool {
	return r.Status == http.StatusOK && len(r.Errors) == 0 && len(r.Data) > 0 && string(r.Data) != "null"
}

// Class names the outcome of a request for error counts: "ok", the first
// error's code, "http_<status>", or the transport error's class.
func (r *Response) Class() string {
	switch {
	case r.OK():
		return "ok"
	case len(r.Errors) > 0 && r.Errors[0].Code() != "":
		return r.Errors[0].Code()
	case len(r.Errors) > 0:
		return "error_without_code"
	}
	return fmt.Sprintf("http_%d", r.Status)
}

// TransportClass names a request that got no HTTP response.
func TransportClass(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return "connection_refused"
	}
	return "connection_error"
}

// IsTransportClass tells the classes TransportClass returns.
func IsTransportClass(class string) bool {
	switch class {
	case "timeout", "cancelled", "connection_refused", "connection_error":
		return true
	}
	return false
}

// Do posts one GraphQL request. An error means no HTTP response was read
// (the connection failed); a response with errors is not an error.
func (c *Client) Do(ctx context.Context, query string, vars map[string]any) (*Response, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, err
	}
	return c.Post(ctx, "application/json", body)
}

// Post posts a raw body to /graphql with the given content type.
func (c *Client) Post(ctx context.Context, contentType string, body []byte) (*Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	out := &Response{Status: resp.StatusCode}
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs > 0 {
		out.RetryAfter = time.Duration(secs) * time.Second
	}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return out, nil // not GraphQL: classified by its status
		}
	}
	return out, nil
}

// Ready tells whether GET /readyz answers 200.
func (c *Client) Ready(ctx context.Context) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.URL+"/readyz", nil)
	if err != nil {
		return false
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
