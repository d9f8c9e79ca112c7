// Package autodiff is the automatic-differentiation library of the gradbook
// course: tensors of float64, reverse mode (Backward, Grad, VJP, Jacobian),
// forward mode (JVP), exact Hessians, kinks with their subdifferentials,
// gradient checks against finite differences, and a step-by-step Tape.
//
// In a notebook the package is preloaded as ad. Every result is exact (no
// finite differences, except in CheckGrad, whose point is to compare), every
// misuse is an error that says what to do instead, and every computation
// can be shown step by step.
//
// # Tensors
//
// A Tensor is an immutable n-dimensional array of float64 in row-major
// order: Scalar, Vector, Matrix, New for any rank, Zeros, Ones, Eye,
// Arange. Shapes print the lecture's way (FormatShape): a scalar is (1,),
// a vector of n elements the column (n,1), a matrix (n,k).
//
// Operations are functions, and methods where that reads well:
//
//	Add Sub Mul Div Pow Max Min       elementwise; a one-element operand broadcasts
//	Neg Exp Log Sin Cos Tanh Sigmoid Sqrt Abs ReLU
//	Sum Dot Norm2Sq MatMul Transpose Reshape Slice Index
//
// Linear algebra goes through gonum's BLAS. Operations panic on programmer
// errors (shapes that do not fit), with a message naming the shapes.
//
// # Reverse mode
//
// RequiresGrad marks an input; operations on it are recorded on a flat
// tape; Backward from a scalar adds the gradient into every input's Grad
// (gradients accumulate, ZeroGrad resets them) and frees the tape. The
// autograd chapter's first example:
//
//	x := ad.Arange(0, 4, 1).RequiresGrad()
//	y := ad.Mul(ad.Scalar(2), ad.Dot(x, x)) // 28
//	y.Backward()
//	x.Grad()                                // [0 4 8 12] = 4x
//
// Backward from a vector is an error (ErrNotScalar) that explains vᵀJ and
// names Sum, VJP and Jacobian; a second Backward through a freed graph is
// ErrFreed; TryBackward returns these instead of panicking. Detach stops
// the gradient.
//
// # Transforms
//
// The functional API takes a Func, any func(*Tensor) *Tensor built from
// the operations (closures capture constants), and leaves its argument
// untouched:
//
//	Derivative(f, x)   f′(x) for scalar x, forward mode
//	Grad(f, x)         ∇f, x's shape, one reverse pass; ValueAndGrad
//	JVP(f, x, v)       J·v, forward mode, no graph stored
//	VJP(f, x, u)       uᵀJ, reverse mode
//	Jacobian(f, x)     every ∂yᵢ/∂xⱼ, options Numerator/Denominator/Framework, Forward/Reverse
//	Hessian(f, x)      exact, forward-over-reverse
//	CheckGrad(f, x)    AD against gonum's central differences
//	Trace(f, x)        the Tape: both passes, step by step
//
// The Jacobian's default layout is the lecture's numerator layout,
// shape(y) ++ reverse(shape(x)): R^n→R^m gives m×n and the Jacobian of Ax
// is A. Denominator gives the book's transpose (∇ₓAx = Aᵀ), Framework the
// shape(y) ++ shape(x) of PyTorch and JAX. DerivShape and ExplainShape say
// why a derivative has its shape in each layout; a Jacobian's LaTeX says
// its layout.
//
// Forward mode carries tangents with the values and stores no graph: its
// memory stays flat however long the computation (TestForwardMemoryFlat
// measures it). Reverse mode stores every intermediate (TapeStats counts
// them); Checkpoint trades recomputation for memory, the lecture's √n
// rematerialization.
//
// # Kinks
//
// Abs, ReLU and Max are not differentiable everywhere. At the kink they
// use one documented element of the subdifferential: 0 for |x| and
// relu(x), as PyTorch, and an even split for a tie in Max, as PyTorch and
// JAX. A Kink option picks another element; a result computed through a
// kink carries notices (Tensor.Kinks) that say where, what the set was and
// what was used. Subdifferential computes the whole set of a scalar
// function from its one-sided derivatives: for relu(x) − relu(−x), which is
// x, it finds {1} where every framework's default gives 0.
//
// In the chain rule of elementwise operations a zero factor is an exact
// zero, also against an infinite one (0·∞ = 0), in both modes: √(x²) has
// derivative 0 at 0 (PyTorch: NaN), and forward and reverse Jacobians
// agree.
//
// # Step by step
//
// Trace records one evaluation as a Tape: the forward pass (index, name,
// op, inputs, shape, value) and the backward pass (adjoint, the local rule
// used, how the chain rule formed it). Name tensors with Named and the rows
// read as in the lecture; ChainRule prints the product the tape formed for
// the input with the shape of every factor. For Example 1, z = (⟨x,w⟩−y)²:
//
//	∂z/∂w = 2b · 1 · xᵀ
//	(1,n) = (1,)(1,)(1,n)
//
// A Tape renders as text, Markdown and HTML tables, LaTeX formulas, and its
// computation graph as DOT and as SVG laid out by Graphviz
// (github.com/goccy/go-graphviz, Graphviz compiled to WebAssembly and run
// by wazero, so no cgo and no installed Graphviz); MimeBundle hands them
// all to the notebook. Tensors, Jacobians and GradChecks render too
// (String, LaTeX, HTML).
//
// # Tests as documentation
//
// Every exported name has an Example built on the lecture's numbers. The
// tests check every fixture of the course within 1e-12 (tangent, gradient
// rules in both layouts, the autograd chapter, backprop by hand, micrograd,
// the auction), every operation against central differences in both
// modes, and randomly composed expressions for the identities between the
// transforms (Grad vs CheckGrad, forward vs reverse Jacobians, JVP = J·v,
// VJP = uᵀJ, the Hessian symmetric and equal to the Jacobian of the
// gradient).
package autodiff
