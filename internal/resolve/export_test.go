package resolve

import "context"

// ResolveFullSweep is Resolve with the builder's original full sweep after
// every version change (the reference of the differential tests).
func ResolveFullSweep(ctx context.Context, req Request) (*Result, error) {
	req.fullSweep = true
	return Resolve(ctx, req)
}
