// Package plot draws the lecture's calculus pictures with gonum.org/v1/plot,
// every derivative in them computed by autodiff:
//
//   - Tangent: a function with its tangent line at a point (3x² − 4x at 1
//     gives y = 2x − 3), in the style of the book's calculus chapter;
//   - GradientField: contour lines of a function of two variables with
//     gradient arrows (x₁² + 2x₂²: the arrow (2, 4) at (1, 1) is
//     perpendicular to the ellipse through that point);
//   - WithDerivative: f and f′ on one axis (sin and its derivative);
//   - FDError: the error of finite differences against autodiff as the step
//     shrinks, the V of truncation against round-off error on log-log axes.
//
// Each helper returns a *Figure, whose SVG and PNG methods render it (the
// gradbook kernel shows a Figure as SVG), and whose Plot field is the gonum
// plot, free to be changed before rendering. The numbers behind a figure
// (the tangent Line, the gradient Arrows, the StepErrors) are returned as
// well, so a notebook can print and check them.
//
// Functions are written with autodiff's operations, as everywhere in the
// course:
//
//	f := func(x *ad.Tensor) *ad.Tensor {
//		return ad.Sub(ad.Mul(ad.Scalar(3), ad.Mul(x, x)), ad.Mul(ad.Scalar(4), x))
//	}
//	fig, line, err := plot.Tangent(f, 1, ad.Arange(0, 3, 0.1))
//	// line.String() == "y = 2x - 3"
//
// The package is separate from autodiff so that the core library does not
// depend on gonum's plotting and font code.
package plot
