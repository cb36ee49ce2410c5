package ipvsadm

import (
	"github.com/lvsgo/ipvsadm/internal/table"
	"github.com/lvsgo/ipvsadm/ipvs"
)

// serviceOrder is the order to print t in: sorted as ipvsadm sorts
// services when sort is set, else as the kernel listed them. Sorting
// indices rather than the services themselves keeps a large table from
// being copied.
func serviceOrder(t *serviceTable, sort bool) []int32 {
	order := make([]int32, t.n)
	for i := range order {
		order[i] = int32(i)
	}
	if sort && len(order) > 1 {
		var sa, sb ipvs.Service
		table.MergeSort(order, nil, func(a, b *int32) int {
			return table.CompareServices(t.at(int(*a), &sa), t.at(int(*b), &sb))
		})
	}
	return order
}
