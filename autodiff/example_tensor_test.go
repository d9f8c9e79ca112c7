package autodiff_test

import (
	"fmt"

	ad "github.com/gradbook/gradbook/autodiff"
)

// A Tensor holds float64 values of any rank in row-major order. Shapes are
// written the lecture's way: a scalar is (1,), a vector the column (n,1).
func ExampleTensor() {
	x := ad.Arange(0, 4, 1) // the book's x = arange(4.)
	fmt.Println(x, ad.FormatShape(x.Shape()))
	X := ad.New([]int{2, 3}, []float64{1, 2, 3, 4, 5, 6})
	fmt.Println(X, ad.FormatShape(X.Shape()))
	// Output:
	// [0 1 2 3] (4,1)
	// [[1 2 3]
	//  [4 5 6]] (2,3)
}

func ExampleScalar() {
	y := ad.Scalar(0.5)
	fmt.Println(y, y.Shape(), ad.FormatShape(y.Shape()))
	// Output: 0.5 [] (1,)
}

func ExampleVector() {
	x := ad.Vector(1, 2, 3)
	fmt.Println(x, x.Shape(), ad.FormatShape(x.Shape()))
	// Output: [1 2 3] [3] (3,1)
}

func ExampleMatrix() {
	A := ad.Matrix(
		[]float64{1, 2, 3},
		[]float64{4, 5, 6},
	)
	fmt.Println(A.Shape())
	fmt.Println(A)
	// Output:
	// [2 3]
	// [[1 2 3]
	//  [4 5 6]]
}

// New builds a tensor of any rank: here a 2×2×2 one.
func ExampleNew() {
	t := ad.New([]int{2, 2, 2}, []float64{1, 2, 3, 4, 5, 6, 7, 8})
	fmt.Println(ad.FormatShape(t.Shape()), t.At(1, 0, 1))
	// Output: (2,2,2) 6
}

func ExampleZeros() {
	fmt.Println(ad.Zeros(2, 3))
	// Output:
	// [[0 0 0]
	//  [0 0 0]]
}

func ExampleOnes() {
	fmt.Println(ad.Ones(4))
	// Output: [1 1 1 1]
}

func ExampleEye() {
	fmt.Println(ad.Eye(3))
	// Output:
	// [[1 0 0]
	//  [0 1 0]
	//  [0 0 1]]
}

// The x values of the book's tangent plot, arange(0, 3, 0.1).
func ExampleArange() {
	x := ad.Arange(0, 3, 0.1)
	fmt.Printf("%d values from %.1f to %.1f\n", x.Size(), x.At(0), x.At(x.Size()-1))
	// Output: 30 values from 0.0 to 2.9
}

func ExampleTensor_Shape() {
	fmt.Println(ad.Scalar(1).Shape(), ad.Vector(1, 2).Shape(), ad.Zeros(2, 3).Shape())
	// Output: [] [2] [2 3]
}

func ExampleTensor_Rank() {
	fmt.Println(ad.Scalar(1).Rank(), ad.Vector(1, 2).Rank(), ad.Zeros(2, 3).Rank())
	// Output: 0 1 2
}

func ExampleTensor_Size() {
	fmt.Println(ad.Scalar(1).Size(), ad.Vector(1, 2).Size(), ad.Zeros(2, 3).Size())
	// Output: 1 2 6
}

// Data returns a copy: changing it does not change the tensor.
func ExampleTensor_Data() {
	x := ad.Vector(1, 2, 3)
	d := x.Data()
	d[0] = 100
	fmt.Println(d, x)
	// Output: [100 2 3] [1 2 3]
}

func ExampleTensor_Item() {
	y := ad.Sum(ad.Vector(1, 2, 3))
	fmt.Printf("%.1f\n", y.Item())
	// Output: 6.0
}

func ExampleTensor_At() {
	A := ad.Matrix([]float64{1, 2, 3}, []float64{4, 5, 6})
	fmt.Println(A.At(0, 2), A.At(1, 0))
	// Output: 3 4
}

// Names appear in a Trace and its renderings.
func ExampleTensor_Named() {
	w := ad.Vector(0.2, -0.4, 0.7).Named("w")
	fmt.Println(w.Name(), w)
	// Output: w [0.2 -0.4 0.7]
}

func ExampleTensor_Name() {
	fmt.Printf("%q %q\n", ad.Scalar(1).Name(), ad.Scalar(1).Named("y").Name())
	// Output: "" "y"
}

// String prints NumPy-style; a gradient that was never computed says so.
func ExampleTensor_String() {
	fmt.Println(ad.Matrix([]float64{1, 2}, []float64{3, 4}).String())
	x := ad.Vector(1, 2).RequiresGrad()
	fmt.Println(x.Grad())
	// Output:
	// [[1 2]
	//  [3 4]]
	// <nil: no gradient yet, call Backward first>
}

func ExampleTensor_LaTeX() {
	fmt.Println(ad.Matrix([]float64{1, 2}, []float64{3, 4}).LaTeX())
	fmt.Println(ad.Vector(1, 2).LaTeX())
	// Output:
	// $\begin{bmatrix}1 & 2\\ 3 & 4\end{bmatrix}$
	// $\begin{bmatrix}1\\ 2\end{bmatrix}$
}

func ExampleTensor_HTML() {
	fmt.Println(ad.Vector(1, 2).HTML())
	// Output: <table class="gradbook-tensor"><caption>shape (2,1)</caption><tr><td>1</td></tr><tr><td>2</td></tr></table>
}

// MimeBundle is what the gradbook kernel shows for a tensor.
func ExampleTensor_MimeBundle() {
	b := ad.Vector(1, 2).MimeBundle()
	fmt.Println(b["text/latex"])
	fmt.Println(b["text/plain"])
	// Output:
	// $\begin{bmatrix}1\\ 2\end{bmatrix}\quad\text{shape (2,1)}$
	// [1 2]
}

// FormatShape writes the lecture's shapes: x is (1,), a vector (n,1), a
// matrix (n,k).
func ExampleFormatShape() {
	fmt.Println(ad.FormatShape(nil), ad.FormatShape([]int{5}), ad.FormatShape([]int{5, 2}), ad.FormatShape([]int{3, 4, 5, 2}))
	// Output: (1,) (5,1) (5,2) (3,4,5,2)
}

// Higher ranks print as blocks of matrices.
func ExampleTensor_String_rank3() {
	fmt.Println(ad.New([]int{2, 2, 2}, []float64{1, 2, 3, 4, 5, 6, 7, 8}))
	// Output:
	// [[[1 2]
	//   [3 4]]
	//
	//  [[5 6]
	//   [7 8]]]
}
