package natsexec

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// startSecureTestServer starts a server requiring sec and returns its URL.
func startSecureTestServer(t *testing.T, sec ServerSecurity) string {
	t.Helper()
	s, url, err := StartSecureServer(t.TempDir(), 0, sec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	return url
}

// withCredentials puts cred ("user:pass" or a token) into a nats:// or tls:// URL.
func withCredentials(url, cred string) string {
	scheme, rest, _ := strings.Cut(url, "://")
	return scheme + "://" + cred + "@" + rest
}

func TestServerRequiresItsCredentials(t *testing.T) {
	for _, c := range []struct {
		name string
		sec  ServerSecurity
		good string
	}{
		{"user and password", ServerSecurity{User: "gonas", Password: "s3cret"}, "gonas:s3cret"},
		{"token", ServerSecurity{Token: "t0ken"}, "t0ken"},
	} {
		url := startSecureTestServer(t, c.sec)
		for _, bad := range []string{url, withCredentials(url, "gonas:wrong"), withCredentials(url, "other")} {
			_, err := New(context.Background(), bad, "auth")
			if err == nil || !strings.Contains(err.Error(), "give the server's credentials") {
				t.Errorf("%s: a client at %s: %v, want refused", c.name, bad, err)
			}
			if err != nil && (strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "wrong")) {
				t.Errorf("%s: the error shows the password: %v", c.name, err)
			}
		}
		e, err := New(context.Background(), withCredentials(url, c.good), "auth")
		if err != nil {
			t.Fatalf("%s: with the credentials: %v", c.name, err)
		}
		e.Close()
	}
	for _, bad := range []ServerSecurity{{User: "u"}, {User: "u", Password: "p", Token: "t"}, {TLSCert: "c.pem"}} {
		if _, _, err := StartSecureServer(t.TempDir(), 0, bad); err == nil {
			t.Errorf("StartSecureServer(%+v) started", bad)
		}
	}
}

// A TLS server is reached at tls:// by a client that trusts its CA ($GONAS_NATS_CA),
// and refused by one that does not; a worker and an executor run a trial over it.
func TestTLSServer(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeSelfSignedCert(t, dir)
	url := startSecureTestServer(t, ServerSecurity{Token: "tok", TLSCert: cert, TLSKey: key})
	if !strings.HasPrefix(url, "tls://") {
		t.Fatalf("the TLS server's URL is %s, want tls://", url)
	}
	if _, err := New(context.Background(), withCredentials(url, "tok"), "tls"); err == nil {
		t.Error("a client that does not trust the server's certificate connected")
	}
	t.Setenv(EnvNATSCA, cert)
	if _, err := nats.Connect(url, nats.RootCAs(cert)); err == nil {
		t.Error("a client without the token connected")
	}
	e, err := New(context.Background(), withCredentials(url, "tok"), "tls")
	if err != nil {
		t.Fatalf("with the CA and the token: %v", err)
	}
	defer e.Close()
	runner := &toyRunner{}
	startWorker(t, withCredentials(url, "tok"), &Worker{Runner: runner.run, Name: "w", AckWait: 5 * time.Second})
	r := runWithin(t, e, toyTrials(3)[2:], 20*time.Second)[0]
	if want, _ := toyMetrics(2); r.Error != "" || !sameMetrics(r.Metrics, want) {
		t.Errorf("a trial over TLS: %+v", r)
	}
}

// writeSelfSignedCert writes a certificate for 127.0.0.1, its own CA, and its key.
func writeSelfSignedCert(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "gonas test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"nats://u:secret@h:4222": "nats://u:***@h:4222", "tls://tok@h:1": "tls://***@h:1",
		"nats://h:4222": "nats://h:4222", "h:4222": "h:4222",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
