package org.meridian.broker;

import java.util.ArrayList;
import java.util.List;
import org.meridian.core.error.MeridianException;

/** The outcome of a batch operation: ids that succeeded and, per failed entity, why (clause 5.2.16). */
public final class BatchResult {
    public record Failure(String entityId, MeridianException error) {
    }

    private final List<String> succeeded = new ArrayList<>();
    private final List<Failure> failed = new ArrayList<>();

    void success(String id) {
        succeeded.add(id);
    }

    void failure(String id, MeridianException error) {
        failed.add(new Failure(id, error));
    }

    public List<String> succeeded() {
        return List.copyOf(succeeded);
    }

    public List<Failure> failed() {
        return List.copyOf(failed);
    }
}
