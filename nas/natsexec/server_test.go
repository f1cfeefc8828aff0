package natsexec

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

func TestServerKeepsTheRecordAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	s, url, err := StartServer(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	w := &Worker{Runner: (&toyRunner{}).run, Name: "w", AckWait: 5 * time.Second}
	go func() { done <- w.Run(ctx, url) }()
	e, err := New(context.Background(), url, "persist")
	if err != nil {
		t.Fatal(err)
	}
	runWithin(t, e, toyTrials(3), 20*time.Second)
	e.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	s.Shutdown()
	s.WaitForShutdown()

	s, url, err = StartServer(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown()
	again, err := New(context.Background(), url, "persist")
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if again.Recorded() != 3 {
		t.Errorf("after a server restart the record holds %d results, want 3", again.Recorded())
	}
}

func TestStartServerRejectsBadSettings(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	busy := l.Addr().(*net.TCPAddr).Port
	for _, c := range []struct {
		dir  string
		port int
		want string
	}{{"", 0, "no store directory"}, {t.TempDir(), -2, "not in 0..65535"}, {t.TempDir(), busy, "address already in use"}} {
		if _, _, err := StartServer(c.dir, c.port); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("StartServer(%q, %d): got %v, want %q", c.dir, c.port, err, c.want)
		}
	}
}
