package org.dmascope.scenario;

import java.util.List;

/**
 * A contribution of step kinds, made by a backend bundle as an OSGi service (Declarative
 * Services) or handed to the runner directly. The runner refuses two kinds with one name.
 */
public interface ScenarioExtension {

    /** A stable identifier ("core", "hmm", "gpudirect"). */
    String id();

    /** The step kinds it contributes. */
    List<StepKind> stepKinds();
}
