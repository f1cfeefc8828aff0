package kernels

import (
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
)

// kernelOps are the ops computed by this module's kernels (for float32 and float64;
// other dtypes fall back to the wrapped backend).
var kernelOps = map[compute.OpType]bool{
	compute.OpTypeDotGeneral:            true,
	compute.OpTypeConvGeneral:           true,
	compute.OpTypeReduceWindow:          true,
	compute.OpTypeSelectAndScatterMax:   true,
	compute.OpTypeSelectAndScatterMin:   true,
	compute.OpTypePad:                   true,
	compute.OpTypeBatchNormForTraining:  true,
	compute.OpTypeBatchNormForInference: true,
	compute.OpTypeBatchNormGradient:     true,
	compute.OpTypeSign:                  true,
	compute.OpTypeAdd:                   true,
	compute.OpTypeSub:                   true,
	compute.OpTypeMul:                   true,
	compute.OpTypeDiv:                   true,
	compute.OpTypeMax:                   true,
	compute.OpTypeMin:                   true,
}

// isFloat tells whether the kernels of this module handle dtype.
func isFloat(dtype dtypes.DType) bool {
	return dtype == dtypes.Float32 || dtype == dtypes.Float64
}

// shapeOf returns the shapes of values already checked to belong to f.
func (f *Function) shapeOf(v compute.Value) (dtypes.DType, []int, error) {
	val, err := f.checkValue("shape", v)
	if err != nil {
		return dtypes.InvalidDType, nil, err
	}
	return val.shape.DType, val.shape.Dimensions, nil
}
