package org.meridian.platform.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;

/**
 * Errors Jetty answers itself, before a request reaches a route (a NUL in the path or a header, a URI or headers too
 * long, a malformed request line), in the same problem details as every other error instead of Jetty's HTML page.
 */
final class ProblemErrorHandler extends ErrorHandler {
    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, MediaTypes.JSON);

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(JSON);
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    private static byte[] body(int status, String message) {
        return ProblemDetails.of(problem(status, message)).put("status", status).toString().getBytes(StandardCharsets.UTF_8);
    }

    private static MeridianException problem(int status, String message) {
        String detail = message == null || message.isBlank() ? "The request could not be read" : message;
        return switch (status) {
            case 404 -> MeridianException.notFound(detail);
            case 405 -> new MeridianException(ErrorType.METHOD_NOT_ALLOWED, detail);
            case 413 -> new MeridianException(ErrorType.PAYLOAD_TOO_LARGE, detail);
            case 414 -> MeridianException.badData("The request URI is too long (" + detail + "); send long queries as"
                    + " POST /ngsi-ld/v1/entityOperations/query");
            case 431 -> MeridianException.badData("The request headers are too large (" + detail + ")");
            default -> status >= 500 ? new MeridianException(ErrorType.INTERNAL_ERROR, detail)
                    : MeridianException.invalidRequest("The request is malformed: " + detail);
        };
    }
}
