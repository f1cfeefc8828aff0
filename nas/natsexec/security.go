package natsexec

import (
	"os"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/pkg/errors"
)

// Clients (workers and executors) take their credentials from the server URL —
// nats://USER:PASSWORD@host:4222 or nats://TOKEN@host:4222 — or from a NATS
// credentials file named by EnvNATSCreds; a tls:// server's certificate is checked
// against the system's CAs, or those of the PEM file EnvNATSCA names.
const (
	EnvNATSCreds = "GONAS_NATS_CREDS" // a NATS credentials file (user JWT and NKey seed)
	EnvNATSCA    = "GONAS_NATS_CA"    // a PEM file of the CAs that sign a tls:// server's certificate
)

// clientSecurity is the connection options the environment asks for.
func clientSecurity() ([]nats.Option, error) {
	var opts []nats.Option
	if f := os.Getenv(EnvNATSCreds); f != "" {
		if _, err := os.Stat(f); err != nil {
			return nil, errors.Wrapf(err, "$%s", EnvNATSCreds)
		}
		opts = append(opts, nats.UserCredentials(f))
	}
	if f := os.Getenv(EnvNATSCA); f != "" {
		if _, err := os.Stat(f); err != nil {
			return nil, errors.Wrapf(err, "$%s", EnvNATSCA)
		}
		opts = append(opts, nats.RootCAs(f))
	}
	return opts, nil
}

// ServerSecurity is what an embedded server (StartSecureServer) requires of its
// clients: a user and password, or a token (not both), and TLS when a certificate
// and its key are given (clients then connect to tls://host:port).
type ServerSecurity struct {
	User, Password  string
	Token           string
	TLSCert, TLSKey string // PEM files
}

// apply sets the server's options.
func (sec ServerSecurity) apply(o *server.Options) error {
	switch {
	case (sec.User == "") != (sec.Password == ""):
		return errors.New("a user needs a password, and a password a user")
	case sec.User != "" && sec.Token != "":
		return errors.New("give a user and password, or a token, not both")
	case (sec.TLSCert == "") != (sec.TLSKey == ""):
		return errors.New("TLS needs both a certificate and its key")
	}
	o.Username, o.Password, o.Authorization = sec.User, sec.Password, sec.Token
	if sec.TLSCert != "" {
		cfg, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: sec.TLSCert, KeyFile: sec.TLSKey})
		if err != nil {
			return errors.Wrap(err, "TLS")
		}
		o.TLS, o.TLSConfig, o.TLSTimeout = true, cfg, 5
	}
	return nil
}
