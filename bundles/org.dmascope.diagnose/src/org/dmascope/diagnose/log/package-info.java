/** Kernel log import: p2pdma, IOMMU, peer memory and module messages as timed entries; other lines kept. */
@org.eclipse.jdt.annotation.NonNullByDefault
package org.dmascope.diagnose.log;
