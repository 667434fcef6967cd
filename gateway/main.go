// csm-gateway: REST/JSON in front of the csm gRPC services, generated at
// build time from protos/ by grpc-gateway (gateway/build.sh). Wiring only;
// the gateway itself is package proxy.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"csm/gateway/proxy"
	generated "csmpb/gateway"
)

const usage = `csm-gateway: REST/JSON for web clients in front of the csm gRPC services
(routes from the google.api.http annotations in protos/; the list: /openapi.json).
Every flag can also be set as CSM_GATEWAY_<FLAG IN CAPITALS>; the command line wins.

Endpoints besides the API: /healthz (every backend's grpc.health.v1; 200
only when all are SERVING), /livez, /metrics (Prometheus), /openapi.json,
/console/ (static files of --console_dir).

Flags:
`

type options struct {
	listen, customer, complaint, reporting, origins, console string
	maxBody                                                  int64
	timeout, grace                                           time.Duration
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("csm-gateway", flag.ExitOnError)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8080", "HTTP listen address (host:port; port 0 picks a free one)")
	fs.StringVar(&o.customer, "customer_addr", "127.0.0.1:50051", "customer-svc gRPC address, e.g. dns:///customer-svc-headless:50051 (round_robin over every address)")
	fs.StringVar(&o.complaint, "complaint_addr", "127.0.0.1:50052", "complaint-svc gRPC address")
	fs.StringVar(&o.reporting, "reporting_addr", "127.0.0.1:50053", "reporting-svc gRPC address; empty disables that backend (its routes answer 503)")
	fs.StringVar(&o.origins, "allowed_origins", "", "comma-separated origins allowed by CORS (https://console.example.com); * for any; empty: same origin only")
	fs.Int64Var(&o.maxBody, "max_body_bytes", 1<<20, "largest request body; larger ones get 413")
	fs.DurationVar(&o.timeout, "default_timeout", 10*time.Second, "deadline of each call (sent as grpc-timeout); a caller's shorter grpc-timeout header wins")
	fs.StringVar(&o.console, "console_dir", "", "folder of the web console, served under /console/; empty: /console/ is 404")
	fs.DurationVar(&o.grace, "shutdown_grace", 20*time.Second, "on SIGTERM, how long in-flight requests get to finish")
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" || a == "--h" {
			fs.SetOutput(os.Stdout) // asked for: not an error
		}
	}
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	// The environment first, so that the command line overrides it.
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		env := "CSM_GATEWAY_" + strings.ToUpper(f.Name)
		if v, ok := os.LookupEnv(env); ok && envErr == nil {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("%s=%q: %v", env, v, err)
			}
		}
	})
	if envErr != nil {
		return o, envErr
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if o.maxBody <= 0 || o.timeout <= 0 || o.grace < 0 {
		return o, fmt.Errorf("--max_body_bytes and --default_timeout must be positive, --shutdown_grace not negative")
	}
	return o, nil
}

func main() {
	log := proxy.NewLogger(nil)
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "csm-gateway: %v (try --help)\n", err)
		os.Exit(2)
	}
	openapi, err := fs.Sub(generated.OpenAPI, "openapi")
	if err != nil {
		log.Log("error", "", "no OpenAPI documents", "error", err.Error())
		os.Exit(1)
	}
	var origins []string
	if o.origins != "" {
		origins = strings.Split(o.origins, ",")
	}
	gw, err := proxy.New(proxy.Config{
		Backends:       map[string]string{"customer": o.customer, "complaint": o.complaint, "reporting": o.reporting},
		AllowedOrigins: origins,
		MaxBodyBytes:   o.maxBody,
		DefaultTimeout: o.timeout,
		ConsoleDir:     o.console,
		OpenAPI:        openapi,
		Log:            log,
	}, generated.Services)
	if err != nil {
		log.Log("error", "", "bad configuration", "error", err.Error())
		os.Exit(1)
	}
	if err := serve(gw, o, log); err != nil {
		log.Log("error", "", "csm-gateway failed", "error", err.Error())
		os.Exit(1)
	}
}

// serve listens until SIGTERM or SIGINT, then drains: /healthz turns 503,
// the listener closes, in-flight requests get --shutdown_grace to finish.
func serve(gw *proxy.Gateway, o options, log *proxy.Logger) error {
	defer gw.Close()
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           gw,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       o.timeout + 30*time.Second,
		WriteTimeout:      o.timeout + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Log("info", "", "csm-gateway serving", "address", ln.Addr().String(),
		"routes", len(gw.Routes()), "customer_addr", o.customer, "complaint_addr", o.complaint,
		"reporting_addr", o.reporting)
	select {
	case err := <-served:
		return err
	case sig := <-stop:
		log.Log("info", "", "draining", "signal", sig.String(), "grace", o.grace.String())
	}
	gw.Drain()
	ctx, cancel := context.WithTimeout(context.Background(), o.grace)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		log.Log("warn", "", "grace period over; closing the rest", "error", err.Error())
		_ = srv.Close()
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Log("info", "", "csm-gateway stopped")
	return nil
}
