// Package backends chooses the GoMLX backend every GoNAS program computes on:
// GOMLX_BACKEND when set, else XLA where a PJRT plugin is installed, else the
// embedded `gonas` backend (package kernels). New, Name and Description are the
// one place that decision is made; XLA never downloads a plugin unless
// GONAS_XLA_AUTO_INSTALL asks it to.
package backends
