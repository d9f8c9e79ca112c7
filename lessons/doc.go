// Package lessons holds the course notebooks (*.ipynb, run with the
// gradbook kernel) and the homework an instructor hands out
// (homework/). It has no Go API: its test re-runs every notebook headlessly
// under Jupyter's own nbconvert and compares the outputs with the stored
// ones, so a change that breaks a lesson fails `go test ./...`.
//
// The lessons, in the order of the lecture:
//
//   - 00-go-in-notebooks: Go in a notebook (cells, values, display, errors)
//   - 01-derivatives: scalar derivatives and their rules, the tangent line of
//     3x² − 4x at 1, ad.Derivative, subderivatives at the kinks of |x|, ReLU
//     and Max (the default, the Kink option, the whole subdifferential)
//   - 02-gradients-and-jacobians: gradients and the contour plot, the
//     derivative tables checked with ad.Grad and ad.CheckGrad, numerator,
//     denominator and framework layouts, the shapes table, the Hessian
//   - 03-chain-rule-and-autodiff: the chain rule with shapes, computation
//     graphs (ad.Trace), the reverse pass and the slide's typo, forward vs
//     reverse mode, checkpointing, the autograd chapter, backprop by hand
//
// The homework, homework/01-gradients (a gradient, a Jacobian in numerator
// layout, the chain rule's Example 1), is the instructor's solution
// notebook: `gradbook assign` makes the version handed out, `gradbook
// grade` grades the submissions (see the README, "For instructors").
//
// After an intended change to a lesson's output, rewrite the stored
// outputs with:
//
//	go test ./lessons -update
package lessons
