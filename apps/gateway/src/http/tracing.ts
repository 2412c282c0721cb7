import { markSpanError, SpanKind, startActiveSpan } from '@voicepulse/tracing';
import type { NextFunction, Request, Response } from 'express';

/**
 * A server span per request, active while the route runs, so the traceparent a route stamps into
 * a job (upload → transcode) makes the workers' spans children of this request. A no-op span when
 * tracing is off.
 */
export function traceRequests() {
  return (req: Request, res: Response, next: NextFunction) => {
    startActiveSpan(`${req.method}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } }, (span) => {
      res.on('finish', () => {
        const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : undefined;
        if (route) span.updateName(`${req.method} ${route}`);
        span.setAttribute('http.response.status_code', res.statusCode);
        if (route) span.setAttribute('http.route', route);
        span.setAttribute('correlationId', String(res.locals.requestId ?? ''));
        if (res.statusCode >= 500) markSpanError(span, `HTTP ${res.statusCode}`);
        span.end();
      });
      res.on('close', () => {
        if (!res.writableFinished) span.end();
      });
      next();
    });
  };
}
