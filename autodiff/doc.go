// Package autodiff is the automatic-differentiation library of the gradbook
// course: tensors of float64, reverse mode (Backward, Grad, VJP, Jacobian),
// forward mode (JVP), exact Hessians, kinks with their subdifferentials,
// gradient checks against finite differences, and a step-by-step Tape.
package autodiff
