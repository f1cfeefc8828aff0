// Package nas is the core of GoNAS: the abstractions every search shares (search
// spaces, architectures, controllers, strategies), the backend choice, and the
// child-network training loop. Sub-packages hold the data loaders (nas/data), the
// optimizers and schedules (nas/optim) and the layers shared by search spaces (nas/nn).
//
// Search spaces live in cells/, controllers in controllers/, and the compute kernels
// of the embedded backend in kernels/.
package nas
