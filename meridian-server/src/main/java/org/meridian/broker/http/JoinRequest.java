package org.meridian.broker.http;

import io.javalin.http.Context;
import org.meridian.core.error.MeridianException;
import org.meridian.core.ngsild.LinkedEntities;
import org.meridian.platform.http.Parameters;

/** The join and joinLevel parameters of linked entity retrieval (clause 4.5.23). */
record JoinRequest(LinkedEntities.Join mode, int level) {
    /** The join asked for, or null for none (no join, or join=@none). */
    static JoinRequest read(Context http) {
        return of(Parameters.single(http, "join"), Parameters.integer(http, "joinLevel", 1, 1));
    }

    /** From the members of a Query body (POST /entityOperations/query). */
    static JoinRequest read(com.fasterxml.jackson.databind.JsonNode query) {
        com.fasterxml.jackson.databind.JsonNode join = query.get("join");
        com.fasterxml.jackson.databind.JsonNode level = query.get("joinLevel");
        if (join != null && !join.isNull() && !join.isTextual()) {
            throw MeridianException.badData("join must be a string: flat, inline or @none");
        }
        if (level != null && !level.isNull() && (!level.canConvertToInt() || !level.isIntegralNumber() || level.asInt() < 1)) {
            throw MeridianException.badData("joinLevel must be a whole number of at least 1");
        }
        return of(join == null || join.isNull() ? null : join.asText(), level == null || level.isNull() ? 1 : level.asInt());
    }

    private static JoinRequest of(String join, int level) {
        if (level > LinkedEntities.MAX_LEVEL) {
            throw MeridianException.badData("joinLevel may be at most " + LinkedEntities.MAX_LEVEL);
        }
        if (join == null || join.equals("@none")) {
            return null;
        }
        return switch (join) {
            case "flat" -> new JoinRequest(LinkedEntities.Join.FLAT, level);
            case "inline" -> new JoinRequest(LinkedEntities.Join.INLINE, level);
            default -> throw MeridianException.badData("join must be flat, inline or @none, not '" + join + "'");
        };
    }
}
