package org.meridian.core.ingest;

/** A measurement that cannot be stored, and why; nothing of it is written. */
public final class MeasurementRejected extends RuntimeException {
    /** Reasons are counted per device and in metrics, so they are a closed set. */
    public enum Reason {
        UNKNOWN_DEVICE("unknown-device"), NOT_AUTHORIZED("not-authorized"), MALFORMED("malformed"),
        WRONG_TYPE("wrong-type"), UNKNOWN_KEY("unknown-key"), TOO_LARGE("too-large"), OVERLOADED("overloaded");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Reason reason;

    public MeasurementRejected(Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
