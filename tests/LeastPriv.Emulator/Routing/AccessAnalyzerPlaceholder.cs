using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LeastPriv.Emulator.Routing;

/// <summary>
/// Answers IAM Access Analyzer requests while no Access Analyzer emulator is built into this
/// assembly: a REST-JSON error the SDKs parse (x-amzn-ErrorType header plus a message).
/// </summary>
public static class AccessAnalyzerPlaceholder
{
    public static async Task HandleAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status501NotImplemented;
        context.Response.ContentType = "application/json";
        context.Response.Headers["x-amzn-ErrorType"] = "NotImplementedException";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("message", "IAM Access Analyzer is not available in this build of the stand-in.");
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
