package natsexec

import (
	"context"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/pkg/errors"
)

// The streams, subjects and consumer GoNAS uses on a NATS server (see the package doc).
const (
	TrialsStream   = "GONAS_TRIALS"
	ResultsStream  = "GONAS_RESULTS"
	WorkerConsumer = "gonas-workers"

	trialsPrefix  = "gonas.trials."
	resultsPrefix = "gonas.results."

	// trialDuplicates is how long the trials stream remembers a Nats-Msg-Id.
	trialDuplicates = 10 * time.Minute
	// requestTimeout bounds one JetStream API request (create a stream, get a message).
	requestTimeout = 10 * time.Second
)

// trialsSubject is where the trials of search are queued.
func trialsSubject(search string) string { return trialsPrefix + search }

// resultSubject is where the result of one trial of search is recorded.
func resultSubject(search, trialID string) string {
	return resultsPrefix + search + "." + trialID
}

// msgID is the Nats-Msg-Id of a trial and of its result: unique across searches,
// since the duplicate window is per stream.
func msgID(search, trialID string) string { return search + "." + trialID }

// searchOfSubject returns the search a trial subject belongs to.
func searchOfSubject(subject string) (string, error) {
	search, ok := strings.CutPrefix(subject, trialsPrefix)
	if !ok || checkSearch(search) != nil {
		return "", errors.Errorf("subject %q is not a GoNAS trial subject (%s<search>)", subject, trialsPrefix)
	}
	return search, nil
}

// checkSearch accepts a search name: letters, digits, '-' and '_' (one subject token).
func checkSearch(search string) error {
	if search == "" {
		return errors.New("the search name is empty")
	}
	for _, c := range search {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return errors.Errorf("search name %q has %q: use letters, digits, '-' and '_'", search, c)
		}
	}
	return nil
}

// checkTrialID accepts a trial ID that is one NATS subject token: not empty, no '.',
// '*', '>' or white space.
func checkTrialID(id string) error {
	if id == "" {
		return errors.New("the trial has no ID")
	}
	if i := strings.IndexAny(id, ".*> \t\r\n"); i >= 0 {
		return errors.Errorf("trial ID %q has %q, which NATS subjects do not allow in a token", id, id[i])
	}
	return nil
}

// connect opens a connection to the NATS server at url and its JetStream context.
// opts add to GoNAS's (a client name, a 5 s connect timeout, nats.go's default
// reconnects: 60 tries 2 s apart, after which the connection is closed).
func connect(url, name string, opts ...nats.Option) (*nats.Conn, jetstream.JetStream, error) {
	if strings.TrimSpace(url) == "" {
		return nil, nil, errors.New("no NATS URL given (e.g. nats://127.0.0.1:4222)")
	}
	sec, err := clientSecurity()
	if err != nil {
		return nil, nil, err
	}
	opts = append(append([]nats.Option{nats.Name(name), nats.Timeout(5 * time.Second)}, sec...), opts...)
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		hint := "is a server running there? 'gonas nats-server' starts one"
		if errors.Is(err, nats.ErrAuthorization) {
			hint = "give the server's credentials: nats://USER:PASSWORD@host:port, nats://TOKEN@host:port or $" + EnvNATSCreds
		}
		return nil, nil, errors.Wrapf(err, "connect to NATS at %q (%s)", RedactURL(url), hint)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, errors.Wrapf(err, "JetStream on %q", RedactURL(url))
	}
	return nc, js, nil
}

// streamConfigs are GoNAS's two streams (see the package doc for why each setting).
var streamConfigs = []jetstream.StreamConfig{{
	Name:        TrialsStream,
	Description: "GoNAS trials waiting for a worker (work queue; gonas.trials.<search>)",
	Subjects:    []string{trialsPrefix + ">"},
	Retention:   jetstream.WorkQueuePolicy,
	Storage:     jetstream.FileStorage,
	Duplicates:  trialDuplicates,
}, {
	Name:                 ResultsStream,
	Description:          "GoNAS trial results, one per trial (gonas.results.<search>.<trial>)",
	Subjects:             []string{resultsPrefix + ">"},
	Retention:            jetstream.LimitsPolicy,
	Storage:              jetstream.FileStorage,
	MaxMsgsPerSubject:    1,
	Discard:              jetstream.DiscardNew,
	DiscardNewPerSubject: true,
}}

// ensureStreams creates GoNAS's streams where they are missing and checks the ones
// already there (creating a stream with the same settings is a no-op).
func ensureStreams(ctx context.Context, js jetstream.JetStream) error {
	for _, cfg := range streamConfigs {
		rctx, cancel := context.WithTimeout(ctx, requestTimeout)
		_, err := js.CreateStream(rctx, cfg)
		cancel()
		switch {
		case err == nil:
		case errors.Is(err, jetstream.ErrJetStreamNotEnabled), errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount),
			errors.Is(err, nats.ErrNoResponders):
			return errors.Wrap(err, "JetStream is not enabled on this NATS server (run nats-server -js, or 'gonas nats-server')")
		case errors.Is(err, jetstream.ErrStreamNameAlreadyInUse):
			return errors.Wrapf(err, "stream %s exists with other settings than GoNAS's (subjects %v, retention %v): delete it or use another server",
				cfg.Name, cfg.Subjects, cfg.Retention)
		default:
			return errors.Wrapf(err, "create stream %s", cfg.Name)
		}
	}
	return nil
}

// RedactURL is url without the password or token it may carry, for messages and logs.
func RedactURL(url string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return url
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		user, _, hasPass := strings.Cut(rest[:at], ":")
		if hasPass {
			return scheme + "://" + user + ":***@" + rest[at+1:]
		}
		return scheme + "://***@" + rest[at+1:]
	}
	return url
}
