/** NCCL_DEBUG=INFO logs: topology, P2P and GPUDirect RDMA decisions, with path distances decoded per NCCL version. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.diagnose.nccl;
