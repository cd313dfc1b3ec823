package org.meridian.cases.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.javalin.http.Context;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.meridian.core.error.MeridianException;
import org.meridian.platform.http.ErrorFace;

/**
 * Open311 GeoReport v2's two formats from one tree: JSON as is (a list without its wrapper, the spec's "Spark
 * convention"), XML with the wrapper and each list's items named in the singular, as GeoReport clients expect
 * ({@code <service_requests><request>}, {@code <errors><error>}). XML is written by the JDK's streaming writer, so
 * whatever a reporter typed is escaped, never interpreted.
 */
final class Open311Output {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final XMLOutputFactory XML = XMLOutputFactory.newFactory();
    /** The GeoReport element names of each list's items (those FixMyStreet's client groups by). */
    private static final Map<String, String> ITEM = Map.ofEntries(Map.entry("services", "service"),
            Map.entry("attributes", "attribute"), Map.entry("values", "value"), Map.entry("service_requests", "request"),
            Map.entry("service_request_updates", "request_update"), Map.entry("errors", "error"), Map.entry("endpoints", "endpoint"),
            Map.entry("formats", "format"));
    /** Times as GeoReport writes them: whole seconds, with the city's offset. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");
    static final ZoneId CITY = ZoneId.of("Asia/Shanghai");

    /** The one error face of {@code /open311/v2/}: the error list, in the format the path asks for. */
    static final ErrorFace ERRORS = Open311Output::error;

    private Open311Output() {
    }

    /** The format the path's extension asks for: xml or json (anything else is answered in JSON). */
    static String formatOf(Context http) {
        return http.path().endsWith(".xml") ? "xml" : "json";
    }

    static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).atZone(CITY).format(TIME);
    }

    /** Answers the tree: in JSON as it is, in XML under the root element. */
    static void respond(Context http, int status, String root, JsonNode body) {
        http.status(status);
        if (formatOf(http).equals("xml")) {
            http.contentType("text/xml; charset=utf-8").result(xml(root, body));
        } else {
            http.contentType("application/json; charset=utf-8").result(body.toString());
        }
    }

    /**
     * Open311's refusals: 403 for a missing or wrong api_key (the platform's 401 too), 404 for what does not exist,
     * 400 for other bad requests; the platform's own (405, 413, 429, 5xx) keep their status.
     */
    private static void error(MeridianException error, Context http) {
        int status = error.type().httpStatus();
        int open311 = switch (status) {
            case 401, 403 -> 403;
            case 404, 405, 413, 429 -> status;
            default -> status >= 500 ? status : 400;
        };
        ArrayNode errors = NODES.arrayNode();
        errors.addObject().put("code", open311).put("description", error.detail());
        if (status == 429 || status == 503) {
            http.header("Retry-After", status == 503 ? "2" : "1");
        }
        respond(http, open311, "errors", errors);
    }

    static String xml(String root, JsonNode body) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter writer = XML.createXMLStreamWriter(out);
            writer.writeStartDocument("UTF-8", "1.0");
            element(writer, root, body);
            writer.writeEndDocument();
            writer.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("an Open311 answer could not be written as XML", e);
        }
        return out.toString();
    }

    private static void element(XMLStreamWriter writer, String name, JsonNode node) throws XMLStreamException {
        if (node == null || node.isNull()) {
            writer.writeEmptyElement(name);
            return;
        }
        writer.writeStartElement(name);
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                element(writer, field.getKey(), field.getValue());
            }
        } else if (node.isArray()) {
            String item = ITEM.getOrDefault(name, name.endsWith("s") ? name.substring(0, name.length() - 1) : "item");
            for (JsonNode value : node) {
                element(writer, item, value);
            }
        } else {
            writer.writeCharacters(clean(node.asText()));
        }
        writer.writeEndElement();
    }

    /** XML 1.0 cannot carry most control characters: a reporter's text keeps every other character as typed. */
    private static String clean(String text) {
        StringBuilder kept = new StringBuilder(text.length());
        text.codePoints().filter(c -> c == '\t' || c == '\n' || c == '\r' || c >= 0x20 && c != 0xFFFE && c != 0xFFFF)
                .forEach(kept::appendCodePoint);
        return kept.toString();
    }
}
