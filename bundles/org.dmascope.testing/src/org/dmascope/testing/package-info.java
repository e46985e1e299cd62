/** Support shared by the test bundles: where the test data lies. */
package org.dmascope.testing;
