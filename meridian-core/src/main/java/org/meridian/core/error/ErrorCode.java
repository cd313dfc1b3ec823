package org.meridian.core.error;

/**
 * A specific error, named by the capability that raises it, as Trino's {@code ErrorCode}: each capability has an enum
 * of its own (BrokerError, IngestError, PlatformError…) whose constants say which {@link ErrorType} they are. Clients
 * and logs see the code ({@code broker.ENTITY_NOT_FOUND}); the API faces map only the type, once each.
 */
public interface ErrorCode {
    /** The capability that raises it: {@code core}, {@code platform}, {@code broker}, {@code ingest}… */
    String capability();

    /** Its name within the capability (an enum constant's name). */
    String name();

    /** The kind of failure, which decides how each API face reports it. */
    ErrorType type();

    /** {@code capability.NAME}: stable, for clients to tell errors apart. */
    default String code() {
        return capability() + "." + name();
    }
}
