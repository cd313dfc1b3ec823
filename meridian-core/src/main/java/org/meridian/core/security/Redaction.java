package org.meridian.core.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * Secrets a client stored are never read back: API keys show their first characters only, credentials in a
 * notification endpoint's URI and receiverInfo or notifierInfo values that look like credentials are replaced.
 * Anyone who can read a subscription or a device group is not thereby entitled to its credentials.
 */
public final class Redaction {
    public static final String MASK = "********";
    /** Keys whose values are credentials: Authorization, X-Auth-Token, apikey, password, secret, cookie… */
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&;]password=)[^&;]*");
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(auth|token|key|secret|password|passwd|cookie|credential).*");

    private Redaction() {
    }

    /** The first four characters of an API key, enough to tell keys apart. */
    public static String apiKey(String key) {
        return key == null ? null : key.length() <= 4 ? MASK : key.substring(0, 4) + MASK;
    }

    /** A notification endpoint as a reader may see it. */
    public static void endpoint(ObjectNode endpoint) {
        JsonNode uri = endpoint.get("uri");
        if (uri != null && uri.isTextual()) {
            endpoint.put("uri", withoutPassword(uri.asText()));
        }
        for (String list : new String[] {"receiverInfo", "notifierInfo"}) {
            for (JsonNode entry : endpoint.path(list)) {
                if (entry instanceof ObjectNode pair && SECRET_KEY.matcher(pair.path("key").asText()).matches()) {
                    pair.put("value", MASK);
                }
            }
        }
    }

    /**
     * A connection URL as the log may show it: no password in its user info ({@code mqtt://u:p@host}) or in its
     * parameters ({@code jdbc:postgresql://db/x?password=p}).
     */
    public static String url(String text) {
        if (text == null) {
            return null;
        }
        String withoutParameter = PASSWORD_PARAMETER.matcher(text).replaceAll("$1" + MASK);
        int scheme = withoutParameter.indexOf("://");
        int at = withoutParameter.indexOf('@', scheme + 3);
        int slash = withoutParameter.indexOf('/', scheme + 3);
        if (scheme < 0 || at < 0 || slash >= 0 && slash < at) {
            return withoutParameter;
        }
        String userInfo = withoutParameter.substring(scheme + 3, at);
        int colon = userInfo.indexOf(':');
        return colon < 0 ? withoutParameter
                : withoutParameter.substring(0, scheme + 3) + userInfo.substring(0, colon) + ":" + MASK + withoutParameter.substring(at);
    }

    private static String withoutPassword(String text) {
        try {
            URI uri = new URI(text);
            String userInfo = uri.getRawUserInfo();
            if (userInfo == null) {
                return text;
            }
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
            return text.replace(userInfo + "@", user + ":" + MASK + "@");
        } catch (URISyntaxException e) {
            return text;
        }
    }
}
