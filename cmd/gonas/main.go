// Command gonas is GoNAS's command line: every subcommand parses its flags and
// calls the library (package nas and its neighbours), as the notebooks do.
//
//	gonas mnist [flags]    train a small CNN on MNIST and report its test accuracy
//	gonas backend          print the backend GoNAS would use and why
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand: its one-line help and its entry point.
type command struct {
	help string
	run  func(args []string) error
}

var commands = map[string]command{
	"mnist":   {"train a small CNN on MNIST on the chosen backend and report test accuracy", runMNIST},
	"backend": {"print which backend GoNAS uses (GOMLX_BACKEND, XLA plugin, or the embedded one)", runBackend},
	"draw":    {"draw an architecture of a search space as SVG or graphviz DOT", runDraw},
	"predict": {"classify images or CSV rows with a saved model (--model DIR INPUT...)", runPredict},
	"info":    {"print an architecture's parameters and multiply-adds (params=, madds=)", runInfo},
	"jupyter": {"set up the GoNB notebook kernel (install) and execute notebooks headless (run)", runJupyter},

	"bench201": {"compare random search, REINFORCE and regularized evolution on the NAS-Bench-201 table", runBench201},
	"search":   {"ENAS search (micro, macro, RNN cell) or NASNet multi-trial search (--space nasnet); --resume DIR", runSearch},
	"retrain":  {"train an architecture from scratch with an ENAS preset's retraining settings", runRetrain},
	"trial":    {"train one NASNet child with a multi-trial preset's recipe; prints Katib metric lines", runTrial},
	"katib":    {"print the Katib Experiment that searches NASNet cells with gonas trial", runKatib},

	"worker":      {"train the trials of multi-trial searches queued on a NATS JetStream server (--nats URL)", runWorker},
	"nats-server": {"run an embedded NATS server with JetStream on 127.0.0.1 (--dir D --port P)", runNATSServer},
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: gonas <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-12s %s\n", name, commands[name].help)
	}
	fmt.Fprintln(w, "\nRun 'gonas <command> -h' for the flags of a command.")
}

func main() { os.Exit(gonas(os.Args[1:], os.Stdout, os.Stderr)) }

// gonas runs the command line args (without the program name) and returns the
// exit status: 0 on success and on a request for help (-h, --help, help), 2 for
// a missing or unknown command, 1 when the command fails (bad flags included).
func gonas(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "gonas: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	err := cmd.run(args[1:])
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0 // the flag set printed the help
	}
	fmt.Fprintf(stderr, "gonas %s: %v\n", args[0], err)
	return 1
}
