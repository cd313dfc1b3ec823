package org.meridian.platform.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.core.json.Json;

/**
 * Reads a request body as JSON in the charset its Content-Type names (UTF-8 when it names none). Bytes that are not
 * in that charset are refused, never replaced: Javalin's own decoding put U+FFFD in their place and stored the result,
 * and answered 500 for a charset it did not know.
 */
public final class JsonBody {
    private JsonBody() {
    }

    public static JsonNode parse(Context http) {
        Charset charset = charset(http.header("Content-Type"));
        byte[] bytes = http.bodyAsBytes();
        if (charset.equals(StandardCharsets.UTF_8)) {
            return Json.parseRequest(bytes);
        }
        try {
            String text = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return Json.parseRequest(text);
        } catch (CharacterCodingException e) {
            throw MeridianException.invalidRequest("The request body is not valid " + charset.name() + ": " + e.getMessage());
        }
    }

    /** The charset parameter of a Content-Type, UTF-8 when absent; one Java does not know is 415. */
    public static Charset charset(String contentType) {
        int at = contentType == null ? -1 : contentType.toLowerCase(java.util.Locale.ROOT).indexOf("charset=");
        if (at < 0) {
            return StandardCharsets.UTF_8;
        }
        String name = contentType.substring(at + "charset=".length()).split(";")[0].trim().replace("\"", "");
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new MeridianException(ErrorType.UNSUPPORTED_MEDIA_TYPE, "The charset '" + name
                    + "' is not supported; send UTF-8 (or name another charset Java knows, such as GBK)");
        }
    }
}
