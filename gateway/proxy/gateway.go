// Package proxy is csm's REST gateway: grpc-gateway's generated handlers
// behind one edge that adds what web clients need (request ids, CORS, body
// limit, deadlines, strict query parameters, one error mapping, metrics,
// health, the OpenAPI document, the console's static files).
package proxy

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Service is one gRPC service the gateway serves (the generated list in
// csmpb/gateway holds one per service found in protos/).
type Service struct {
	Name     string // csm.customer.v1.CustomerService
	Backend  string // customer: the backend address that serves it
	File     string // csm/customer/v1/customer.proto
	Register func(context.Context, *runtime.ServeMux, *grpc.ClientConn) error
}

// Config is the gateway's configuration (flags in gateway/main.go).
type Config struct {
	// Backend name -> gRPC address; an empty address disables the backend.
	Backends       map[string]string
	AllowedOrigins []string // "*" allows any origin
	MaxBodyBytes   int64
	DefaultTimeout time.Duration // per call; a caller's shorter one wins
	ConsoleDir     string        // static files under /console/; "" = 404
	OpenAPI        fs.FS         // protoc-gen-swagger's documents
	Log            *Logger
}

// Gateway is the http.Handler of the whole gateway.
type Gateway struct {
	cfg      Config
	mux      *runtime.ServeMux
	routes   []*route
	backends []*backend
	cors     cors
	metrics  *metrics
	openapi  []byte
	console  http.Handler
	own      map[string]http.HandlerFunc // the gateway's own endpoints
	draining atomic.Bool
}

// New dials the backends (lazily: a backend that is down makes /healthz
// fail, not the start) and registers every service whose backend is set.
func New(cfg Config, services []Service) (*Gateway, error) {
	if cfg.Log == nil {
		cfg.Log = NewLogger(nil)
	}
	if cfg.MaxBodyBytes <= 0 || cfg.DefaultTimeout <= 0 {
		return nil, fmt.Errorf("max body bytes and default timeout must be positive")
	}
	cors, err := newCORS(cfg.AllowedOrigins)
	if err != nil {
		return nil, err
	}
	console, err := newConsole(cfg.ConsoleDir)
	if err != nil {
		return nil, err
	}
	g := &Gateway{cfg: cfg, cors: cors, metrics: newMetrics(), console: console}
	g.own = map[string]http.HandlerFunc{
		"/healthz":      g.serveHealth,
		"/livez":        g.serveLive,
		"/metrics":      g.serveMetrics,
		"/openapi.json": g.serveOpenAPI,
	}
	if g.openapi, err = mergeOpenAPI(cfg.OpenAPI); err != nil {
		return nil, fmt.Errorf("OpenAPI document: %v", err)
	}
	g.mux = runtime.NewServeMux(
		runtime.WithMarshalerOption(runtime.MIMEWildcard, newMarshaler()),
		runtime.WithIncomingHeaderMatcher(incomingHeader),
		runtime.WithOutgoingHeaderMatcher(func(string) (string, bool) { return "", false }),
		runtime.WithProtoErrorHandler(g.handleError),
	)
	if err := g.register(services); err != nil {
		g.Close()
		return nil, err
	}
	return g, nil
}

func (g *Gateway) register(services []Service) error {
	conns := map[string]*backend{}
	for _, s := range services {
		addr, known := g.cfg.Backends[s.Backend]
		if !known {
			return fmt.Errorf("%s: no address flag for backend %q", s.Name, s.Backend)
		}
		routes, err := routesOf(s)
		if err != nil {
			return err
		}
		if addr == "" {
			for _, rt := range routes {
				rt.disabled = true
			}
		} else {
			b := conns[s.Backend]
			if b == nil {
				if b, err = dialBackend(s.Backend, addr); err != nil {
					return err
				}
				conns[s.Backend] = b
				g.backends = append(g.backends, b)
			}
			if err := s.Register(context.Background(), g.mux, b.conn); err != nil {
				return fmt.Errorf("registering %s: %v", s.Name, err)
			}
		}
		g.routes = append(g.routes, routes...)
	}
	sort.Slice(g.backends, func(i, j int) bool { return g.backends[i].name < g.backends[j].name })
	return checkDistinct(g.routes)
}

// Drain makes /healthz fail so that load balancers stop sending traffic
// while in-flight calls finish.
func (g *Gateway) Drain() { g.draining.Store(true) }

// Close closes the backend connections.
func (g *Gateway) Close() {
	for _, b := range g.backends {
		_ = b.conn.Close()
	}
}

// ServeHTTP gives every response an x-request-id, then serves the
// gateway's own endpoints or the API, and records the request's metrics and
// its log line.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := requestID(r.Header.Get("X-Request-Id"))
	r.Header.Set("X-Request-Id", id)
	w.Header().Set("X-Request-Id", id)
	rec := &recorder{ResponseWriter: w, code: http.StatusOK}
	call := &callState{route: "unmatched"}
	g.serve(rec, r.WithContext(context.WithValue(r.Context(), callKey{}, call)), call)
	elapsed := time.Since(start)
	g.metrics.observe(r.Method, call.route, rec.code, elapsed)
	g.cfg.Log.Request(id, r.Method, call.route, rec.code, call.grpcCode, elapsed)
}

func (g *Gateway) serve(w http.ResponseWriter, r *http.Request, call *callState) {
	if h, ok := g.own[r.URL.Path]; ok {
		call.route = r.URL.Path
		if onlyGet(w, r) {
			h(w, r)
		}
		return
	}
	if r.URL.Path == "/console" || strings.HasPrefix(r.URL.Path, "/console/") {
		call.route = "/console/"
		if onlyGet(w, r) {
			g.console.ServeHTTP(w, r)
		}
		return
	}
	g.serveAPI(w, r, call)
}

// serveAPI routes with the same table and matcher as grpc-gateway's mux, so
// that everything decided per route happens before the call.
func (g *Gateway) serveAPI(w http.ResponseWriter, r *http.Request, call *callState) {
	if g.cors.preflight(w, r) {
		call.route = "preflight"
		return
	}
	g.cors.decorate(w, r)
	rt, allowed := matchRoute(g.routes, r.Method, r.URL.Path)
	if rt == nil {
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			writeStatus(w, http.StatusMethodNotAllowed, status.New(codes.Unimplemented,
				fmt.Sprintf("%s is not allowed on %s; allowed: %s", r.Method, r.URL.Path, strings.Join(allowed, ", "))))
			return
		}
		writeStatus(w, http.StatusNotFound, status.New(codes.NotFound,
			fmt.Sprintf("no route for %s %s (the routes: /openapi.json)", r.Method, r.URL.Path)))
		return
	}
	call.route, call.backend = rt.label, rt.backend
	if rt.disabled {
		writeStatus(w, http.StatusServiceUnavailable, status.New(codes.Unavailable,
			fmt.Sprintf("%s is not configured in this gateway (--%s_addr)", rt.service, rt.backend)))
		return
	}
	if r.ContentLength > g.cfg.MaxBodyBytes {
		g.tooLarge(w)
		return
	}
	query := r.URL.Query()
	if v := rt.checkQuery(query); len(v) > 0 {
		writeStatus(w, http.StatusBadRequest, badRequest("unknown or misplaced query parameters", v))
		return
	}
	if rt.normalizeMasks(query) {
		r.URL.RawQuery = query.Encode()
	}
	r.Body = &limitedBody{body: r.Body, left: g.cfg.MaxBodyBytes, call: call}
	// The caller's grpc-timeout header, applied by grpc-gateway on top of
	// this context, can only shorten it.
	ctx, cancel := context.WithTimeout(r.Context(), g.cfg.DefaultTimeout)
	defer cancel()
	g.mux.ServeHTTP(w, r.WithContext(ctx))
}

func (g *Gateway) tooLarge(w http.ResponseWriter) {
	writeStatus(w, http.StatusRequestEntityTooLarge, status.New(codes.InvalidArgument,
		fmt.Sprintf("request body larger than %d bytes", g.cfg.MaxBodyBytes)))
}

// handleError is grpc-gateway's error hook: every failed call, and every
// request it could not turn into a call, ends here.
func (g *Gateway) handleError(ctx context.Context, _ *runtime.ServeMux, _ runtime.Marshaler,
	w http.ResponseWriter, r *http.Request, err error) {
	call, _ := r.Context().Value(callKey{}).(*callState)
	if call != nil && call.bodyTooLarge {
		g.tooLarge(w)
		return
	}
	st := status.Convert(err)
	if call != nil {
		call.grpcCode = codeName(st.Code())
		// The channel's own failures name internal addresses: say which
		// service instead (the log and /healthz keep the details).
		if st.Code() == codes.Unavailable && strings.Contains(st.Message(), "connection error") {
			st = status.New(codes.Unavailable, fmt.Sprintf(
				"%s-svc cannot be reached; retry with back-off (same request_id)", call.backend))
		}
	}
	writeStatus(w, HTTPStatus(st.Code()), st)
}

// incomingHeader forwards x-request-id; grpc-gateway itself forwards
// authorization. Nothing else of the HTTP request reaches the services.
func incomingHeader(key string) (string, bool) {
	if strings.EqualFold(key, "X-Request-Id") {
		return "x-request-id", true
	}
	return "", false
}

func onlyGet(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	writeStatus(w, http.StatusMethodNotAllowed, status.New(codes.Unimplemented,
		fmt.Sprintf("%s is not allowed on %s; allowed: GET, HEAD", r.Method, r.URL.Path)))
	return false
}

type callKey struct{}

// callState is what one request's handlers tell each other.
type callState struct {
	route        string // metrics label: the route template or endpoint
	backend      string
	grpcCode     string // of a failed call, for the log line
	bodyTooLarge bool
}

// recorder remembers the status code for metrics and the log.
type recorder struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.code, r.wroteHeader = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wroteHeader = true
	return r.ResponseWriter.Write(b)
}
