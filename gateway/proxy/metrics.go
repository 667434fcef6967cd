package proxy

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Prometheus text format, written by hand: two metric families do not earn
// client_golang, whose Debian package pulls in some 180 MB of Go sources
// (aws-sdk-go through prometheus/common; docs/architecture.md).
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type requestKey struct {
	method, route string
	code          int
}

type latencyKey struct{ method, route string }

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	sum    float64
	count  uint64
}

type metrics struct {
	mu       sync.Mutex
	requests map[requestKey]uint64
	latency  map[latencyKey]*histogram
}

func newMetrics() *metrics {
	return &metrics{requests: map[requestKey]uint64{}, latency: map[latencyKey]*histogram{}}
}

// observe records one request. route is a template or an endpoint name,
// never a raw path, so the label set stays bounded.
func (m *metrics) observe(method, route string, code int, d time.Duration) {
	if !knownMethod(method) {
		method = "OTHER"
	}
	s := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{method, route, code}]++
	h := m.latency[latencyKey{method, route}]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets))}
		m.latency[latencyKey{method, route}] = h
	}
	for i, b := range latencyBuckets {
		if s <= b {
			h.counts[i]++
			break
		}
	}
	h.sum += s
	h.count++
}

func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintln(w, "# HELP csm_gateway_requests_total HTTP requests by method, route and status code.")
	fmt.Fprintln(w, "# TYPE csm_gateway_requests_total counter")
	reqs := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		reqs = append(reqs, k)
	}
	sort.Slice(reqs, func(i, j int) bool {
		a, b := reqs[i], reqs[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.code < b.code
	})
	for _, k := range reqs {
		fmt.Fprintf(w, "csm_gateway_requests_total{method=%s,route=%s,code=\"%d\"} %d\n",
			quote(k.method), quote(k.route), k.code, m.requests[k])
	}
	fmt.Fprintln(w, "# HELP csm_gateway_request_duration_seconds Time from request to response, by method and route.")
	fmt.Fprintln(w, "# TYPE csm_gateway_request_duration_seconds histogram")
	lats := make([]latencyKey, 0, len(m.latency))
	for k := range m.latency {
		lats = append(lats, k)
	}
	sort.Slice(lats, func(i, j int) bool {
		if lats[i].route != lats[j].route {
			return lats[i].route < lats[j].route
		}
		return lats[i].method < lats[j].method
	})
	for _, k := range lats {
		h := m.latency[k]
		labels := fmt.Sprintf("method=%s,route=%s", quote(k.method), quote(k.route))
		var cum uint64
		for i, b := range latencyBuckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "csm_gateway_request_duration_seconds_bucket{%s,le=\"%s\"} %d\n",
				labels, strconv.FormatFloat(b, 'g', -1, 64), cum)
		}
		fmt.Fprintf(w, "csm_gateway_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", labels, h.count)
		fmt.Fprintf(w, "csm_gateway_request_duration_seconds_sum{%s} %s\n", labels,
			strconv.FormatFloat(h.sum, 'g', -1, 64))
		fmt.Fprintf(w, "csm_gateway_request_duration_seconds_count{%s} %d\n", labels, h.count)
	}
}

func (g *Gateway) serveMetrics(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	g.metrics.write(w)
}

// quote escapes a label value (backslash, double quote, newline).
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

func knownMethod(m string) bool {
	switch m {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS":
		return true
	}
	return false
}
