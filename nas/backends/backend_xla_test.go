//go:build ((linux && (amd64 || arm64)) || (darwin && arm64) || (windows && amd64)) && !noxla

package backends

import (
	"net"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
)

// childEnv, set, makes TestXLAOffline's child process create the backend and
// print the error instead of running the test.
const childEnv = "GONAS_TEST_XLA_CHILD"

// TestXLAOffline creates the XLA backend (GOMLX_BACKEND=xla:cpu) with no plugin
// installed and every HTTP(S) proxy pointed at a loopback listener that counts
// connections, in a child process (Go reads the proxy settings once per process):
// it must fail with an error that names GONAS_XLA_AUTO_INSTALL and connect to
// nothing. The control, with GONAS_XLA_AUTO_INSTALL=1, shows that a download
// attempt would have reached the listener.
func TestXLAOffline(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		_, err := New()
		os.Stdout.WriteString("name=" + Name() + "\nerror=" + strings.ReplaceAll(errString(err), "\n", " ") + "\n")
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	run := func(autoInstall string) string {
		home := t.TempDir()
		proxy := "http://" + ln.Addr().String()
		cmd := exec.Command(os.Args[0], "-test.run=^TestXLAOffline$", "-test.count=1")
		cmd.Env = append(environWithout("GOMLX_NO_AUTO_INSTALL"), childEnv+"=1", "GOMLX_BACKEND=xla:cpu", XLAAutoInstallEnv+"="+autoInstall,
			"PJRT_PLUGIN_LIBRARY_PATH="+t.TempDir(), "LD_LIBRARY_PATH=", "HOME="+home, "XDG_CACHE_HOME="+home,
			"HTTP_PROXY="+proxy, "HTTPS_PROXY="+proxy, "http_proxy="+proxy, "https_proxy="+proxy, "NO_PROXY=", "no_proxy=")
		out, _ := cmd.CombinedOutput()
		return string(out)
	}

	out := run("")
	if n := conns.Load(); n != 0 {
		t.Errorf("without %s the backend made %d connections:\n%s", XLAAutoInstallEnv, n, out)
	}
	if !strings.Contains(out, "name=xla:cpu") || !strings.Contains(out, XLAAutoInstallEnv) || !strings.Contains(out, "PJRT_PLUGIN_LIBRARY_PATH") {
		t.Errorf("want an error naming %s and PJRT_PLUGIN_LIBRARY_PATH, got:\n%s", XLAAutoInstallEnv, out)
	}

	out = run("1")
	if conns.Load() == 0 {
		t.Errorf("with %s=1 no download reached the proxy (the check above proves nothing):\n%s", XLAAutoInstallEnv, out)
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// environWithout is this process's environment without the variable name (go-xla
// switches auto-install off when GOMLX_NO_AUTO_INSTALL is present, even empty).
func environWithout(name string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, name+"=") {
			env = append(env, kv)
		}
	}
	return env
}
