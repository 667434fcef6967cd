package e2e

// The harness: a fresh database per service on the MariaDB of the ctest
// fixture (CSM_TEST_MYSQL_SOCKET), the real customer-svc, complaint-svc and reporting-svc
// binaries on free ports, and the real csm-gateway binary in front of them.
// Every test talks HTTP to the gateway.

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	jwtSecret = "csm-gateway-e2e-secret-not-for-production"
	jwtIssuer = "csm-test"
	// Small, so that the 413 test needs no big upload.
	maxBodyBytes = 64 << 10
	origin       = "https://console.example.test"
)

// env is everything the tests share; TestMain builds it once.
type env struct {
	buildDir, socket, tmp string
	databases             []string
	customer, complaint   *proc
	reporting             *proc
	gateway               *proc
	base                  string // http://127.0.0.1:PORT
	consoleDir            string
	tokens                map[string]string
}

var e *env

func TestMain(m *testing.M) {
	os.Exit(func() int {
		var err error
		e, err = setUp()
		if e != nil {
			defer e.tearDown()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "gateway e2e set-up failed:", err)
			e.dumpLogs()
			return 1
		}
		code := m.Run()
		if code != 0 {
			e.dumpLogs()
		}
		return code
	}())
}

func setUp() (*env, error) {
	x := &env{socket: os.Getenv("CSM_TEST_MYSQL_SOCKET"), buildDir: os.Getenv("CSM_BUILD_DIR"),
		tokens: map[string]string{}}
	if x.socket == "" {
		return nil, fmt.Errorf("CSM_TEST_MYSQL_SOCKET is not set: run through ctest (fixture mariadb)")
	}
	if x.buildDir == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, err
		}
		x.buildDir = filepath.Dir(filepath.Dir(exe)) // build/gateway/<test>
	}
	var err error
	if x.tmp, err = os.MkdirTemp("", "csm-gateway-e2e-"); err != nil {
		return nil, err
	}
	x.consoleDir = filepath.Join(x.tmp, "console")
	if err := os.MkdirAll(x.consoleDir, 0o755); err != nil {
		return x, err
	}
	if err := os.WriteFile(filepath.Join(x.consoleDir, "index.html"), []byte("<!doctype html><title>客服管理</title>\n"), 0o644); err != nil {
		return x, err
	}
	customerDB, err := x.createDatabase()
	if err != nil {
		return x, err
	}
	complaintDB, err := x.createDatabase()
	if err != nil {
		return x, err
	}
	reportingDB, err := x.createDatabase()
	if err != nil {
		return x, err
	}
	if x.customer, err = x.startService("customer-svc", customerDB, "--visit_sweep_interval_seconds=0"); err != nil {
		return x, err
	}
	if x.complaint, err = x.startService("complaint-svc", complaintDB,
		"--customer_address="+x.customer.addr, "--escalation_sweep_interval_seconds=0"); err != nil {
		return x, err
	}
	if x.reporting, err = x.startService("reporting-svc", reportingDB,
		"--customer_address="+x.customer.addr, "--complaint_address="+x.complaint.addr); err != nil {
		return x, err
	}
	// Two settings through the environment (CSM_GATEWAY_<FLAG>, as the
	// Kubernetes manifests set them), the rest as flags.
	os.Setenv("CSM_GATEWAY_ALLOWED_ORIGINS", origin+", http://localhost:3000")
	os.Setenv("CSM_GATEWAY_MAX_BODY_BYTES", fmt.Sprint(maxBodyBytes))
	os.Setenv("CSM_GATEWAY_LISTEN", "127.0.0.1:1") // the flag wins
	x.gateway, err = startProc("csm-gateway", x.gatewayBin(), []string{
		"--listen=127.0.0.1:0",
		"--customer_addr=" + x.customer.addr,
		"--complaint_addr=" + x.complaint.addr,
		"--reporting_addr=" + x.reporting.addr,
		"--default_timeout=10s",
		"--console_dir=" + x.consoleDir,
		"--shutdown_grace=5s",
	}, "csm-gateway serving")
	if err != nil {
		return x, err
	}
	x.base = "http://" + x.gateway.addr
	return x, nil
}

func (x *env) gatewayBin() string { return filepath.Join(x.buildDir, "gateway", "csm-gateway") }

func (x *env) startService(name, database string, extra ...string) (*proc, error) {
	args := append([]string{
		"--listen_address=127.0.0.1:0",
		"--metrics_address=",
		"--mysql_socket=" + x.socket,
		"--mysql_user=root",
		"--mysql_database=" + database,
		"--mysql_pool_size=4",
		"--jwt_secret=" + jwtSecret,
		"--jwt_issuer=" + jwtIssuer,
		"--shutdown_grace_seconds=1",
	}, extra...)
	return startProc(name, filepath.Join(x.buildDir, name, name), args, name+" serving")
}

func (x *env) createDatabase() (string, error) {
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "gw_" + hex.EncodeToString(b[:])
	if err := x.sql("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		return "", err
	}
	x.databases = append(x.databases, name)
	return name, nil
}

func (x *env) sql(statement string) error {
	out, err := exec.Command("mariadb", "--no-defaults", "--socket="+x.socket, "-uroot",
		"--batch", "-e", statement).CombinedOutput()
	if err != nil {
		return fmt.Errorf("mariadb %q: %v: %s", statement, err, out)
	}
	return nil
}

func (x *env) tearDown() {
	for _, p := range []*proc{x.gateway, x.reporting, x.complaint, x.customer} {
		p.stop()
	}
	for _, db := range x.databases {
		_ = x.sql("DROP DATABASE IF EXISTS `" + db + "`")
	}
	if x.tmp != "" {
		os.RemoveAll(x.tmp)
	}
}

func (x *env) dumpLogs() {
	if x == nil {
		return
	}
	for _, p := range []*proc{x.customer, x.complaint, x.reporting, x.gateway} {
		if p != nil {
			lines := strings.Split(strings.TrimSpace(p.output()), "\n")
			if len(lines) > 40 {
				lines = lines[len(lines)-40:]
			}
			fmt.Fprintf(os.Stderr, "---- last lines of %s\n%s\n", p.name, strings.Join(lines, "\n"))
		}
	}
}

// token mints a bearer token with the real csm-token tool.
func (x *env) token(t *testing.T, staff, roles, department string) string {
	t.Helper()
	key := staff + "|" + roles + "|" + department
	if tok, ok := x.tokens[key]; ok {
		return tok
	}
	out, err := exec.Command(filepath.Join(x.buildDir, "tools", "csm-token"), "--secret="+jwtSecret,
		"--issuer="+jwtIssuer, "--staff="+staff, "--roles="+roles, "--department="+department,
		"--ttl=1h").Output()
	if err != nil {
		t.Fatalf("csm-token: %v", err)
	}
	x.tokens[key] = strings.TrimSpace(string(out))
	return x.tokens[key]
}

// proc is one started binary whose output is kept for failure reports.
type proc struct {
	name   string
	cmd    *exec.Cmd
	addr   string
	mu     sync.Mutex
	log    bytes.Buffer
	exited chan struct{}
	err    error
}

// startProc starts bin and waits for its JSON log line `ready`, whose
// "address" field says where it listens (port 0 picked a free one).
func startProc(name, bin string, args []string, ready string) (*proc, error) {
	p := &proc{name: name, cmd: exec.Command(bin, args...), exited: make(chan struct{})}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	p.cmd.Stdout, p.cmd.Stderr = w, w
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %v", bin, err)
	}
	w.Close()
	addr := make(chan string, 1)
	scanned := make(chan struct{})
	go func() {
		p.scan(r, ready, addr)
		close(scanned)
	}()
	// Exited means its last line has been read too.
	go func() {
		p.err = p.cmd.Wait()
		<-scanned
		close(p.exited)
	}()
	select {
	case p.addr = <-addr:
		return p, nil
	case <-p.exited:
		return p, fmt.Errorf("%s exited during start-up (%v)", name, p.err)
	case <-time.After(60 * time.Second):
		p.stop()
		return p, fmt.Errorf("%s did not log %q within 60 s", name, ready)
	}
}

func (p *proc) scan(r io.Reader, ready string, addr chan<- string) {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 64<<10), 1<<20)
	sent := false
	for s.Scan() {
		line := s.Text()
		p.mu.Lock()
		p.log.WriteString(line + "\n")
		p.mu.Unlock()
		var m map[string]interface{}
		if !sent && json.Unmarshal([]byte(line), &m) == nil && m["msg"] == ready {
			a, _ := m["address"].(string)
			addr <- a
			sent = true
		}
	}
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// stop sends SIGTERM and waits (SIGKILL after 15 s); it reports the exit.
func (p *proc) stop() error {
	if p == nil || p.cmd.Process == nil {
		return nil
	}
	select {
	case <-p.exited:
		return p.err
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
		return fmt.Errorf("%s ignored SIGTERM for 15 s", p.name)
	}
	return p.err
}

// ---------------------------------------------------------------- HTTP

type response struct {
	code   int
	header http.Header
	body   []byte
}

// json decodes the body; a body that is not JSON fails the test.
func (r response) json(t *testing.T) map[string]interface{} {
	t.Helper()
	var m map[string]interface{}
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response %d is not a JSON object: %v: %s", r.code, err, r.body)
	}
	return m
}

var client = &http.Client{Timeout: 30 * time.Second}

// do sends one request to the gateway; headers are name, value pairs.
func do(t *testing.T, method, path, token string, body io.Reader, headers ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, e.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{code: resp.StatusCode, header: resp.Header, body: b}
}

// call sends a JSON body (nil for none) and wants the given status.
func call(t *testing.T, method, path, token string, body interface{}, want int) map[string]interface{} {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	resp := do(t, method, path, token, r)
	if resp.code != want {
		t.Fatalf("%s %s: HTTP %d, want %d: %s", method, path, resp.code, want, resp.body)
	}
	return resp.json(t)
}

type obj = map[string]interface{}

// str reads a string at a dotted path of a decoded JSON object.
func str(m map[string]interface{}, path string) string {
	var v interface{} = m
	for _, k := range strings.Split(path, ".") {
		o, ok := v.(map[string]interface{})
		if !ok {
			return ""
		}
		v = o[k]
	}
	s, _ := v.(string)
	return s
}
