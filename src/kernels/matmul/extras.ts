// The extra results matmul variants hand to the matmul lab (read with extrasOf(result, 'matmul')).
// None returns any today: the lab draws from each variant's facets (tiling, traffic, notes), its
// metrics and the studies' results. A variant that adds extras declares their fields here.
export interface MatmulExtras {
  family: 'matmul';
}
