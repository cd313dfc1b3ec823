package org.meridian.ingest.http;

import io.javalin.config.RoutesConfig;
import org.meridian.core.jsonld.ContextResolver;
import org.meridian.ingest.BulkImport;
import org.meridian.ingest.Ingest;
import org.meridian.platform.http.Routes;

/** Device provisioning and measurements under /iot, bulk import under /import: what ingest contributes. */
public final class IngestRoutes implements Routes {
    private final IotRoutes devices;
    private final ImportRoutes imports;

    public IngestRoutes(Ingest ingest, BulkImport bulkImport, ContextResolver contexts) {
        this.devices = new IotRoutes(ingest, contexts);
        this.imports = new ImportRoutes(bulkImport, contexts);
    }

    @Override
    public void register(RoutesConfig routes) {
        devices.register(routes);
        imports.register(routes);
    }
}
