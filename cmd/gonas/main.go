// Command gonas is GoNAS's command line: every subcommand parses its flags and
// calls the library (package nas and its neighbours), as the notebooks do.
//
//	gonas mnist [flags]    train a small CNN on MNIST and report its test accuracy
//	gonas backend          print the backend GoNAS would use and why
package main

import (
	"fmt"
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

func usage() {
	fmt.Fprintln(os.Stderr, "usage: gonas <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(os.Stderr, "  %-12s %s\n", name, commands[name].help)
	}
	fmt.Fprintln(os.Stderr, "\nRun 'gonas <command> -h' for the flags of a command.")
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		os.Exit(2)
	}
	cmd, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "gonas: unknown command %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if err := cmd.run(os.Args[2:]); err != nil {
		fmt.Fprintf(os.Stderr, "gonas %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
