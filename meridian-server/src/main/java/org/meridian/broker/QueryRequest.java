package org.meridian.broker;

import java.util.List;

/** The selection part of an entity query as the client wrote it (compact names, unparsed expressions). */
public record QueryRequest(List<String> ids, String idPattern, String type, String q, String scopeQ, String georel,
                           String geometry, String coordinates, String geoProperty, List<String> attrs) {
    /**
     * Whether the query names none of what clause 5.7.2 requires: type, attrs, q, scopeQ or a geo-query (ids and an
     * idPattern narrow a query but do not make one; listing every entity is asked for with local=true).
     */
    public boolean isEmpty() {
        return type == null && q == null && scopeQ == null && georel == null && attrs == null;
    }
}
