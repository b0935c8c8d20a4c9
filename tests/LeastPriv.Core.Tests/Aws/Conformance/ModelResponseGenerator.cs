using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace LeastPriv.Core.Tests.Aws.Conformance;

/// <summary>
/// Builds a success answer for an operation from the model's output shape: every member
/// filled, strings as <c>&lt;Member&gt;-value</c> (or the first enum value), booleans true,
/// integers 7, timestamps 2024-01-02T03:04:05Z in the protocol's format, one item per list,
/// one member per union. Pagination members are left out so a client reads a single page.
/// </summary>
public static class ModelResponseGenerator
{
    public static readonly DateTimeOffset Timestamp = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static readonly HashSet<string> PagingMembers = new(StringComparer.Ordinal) { "Marker", "NextToken", "nextToken" };

    public static string StringValue(string member) => member + "-value";

    public static string Generate(ServiceModel model, string operation)
    {
        var output = model.OutputShape(operation);
        return model.Protocol switch
        {
            "query" => Query(model, operation, output),
            "json" => Json(model, output, "unixTimestamp"),
            "rest-json" => Json(model, output, "unixTimestamp"),
            _ => throw new NotSupportedException(model.Protocol),
        };
    }

    private static string Query(ServiceModel model, string operation, string? output)
    {
        XNamespace ns = model.Protocol == "query" && model.ApiVersion == "2010-05-08"
            ? "https://iam.amazonaws.com/doc/2010-05-08/"
            : "https://sts.amazonaws.com/doc/2011-06-15/";
        var response = new XElement(ns + operation + "Response");
        if (output is not null)
        {
            var result = new XElement(ns + operation + "Result");
            FillXml(model, result, output, ns);
            response.Add(result);
        }

        response.Add(new XElement(ns + "ResponseMetadata", new XElement(ns + "RequestId", "request-id-value")));
        return response.ToString(SaveOptions.DisableFormatting);
    }

    private static void FillXml(ServiceModel model, XElement parent, string shapeName, XNamespace ns)
    {
        var shape = model.Shape(shapeName);
        foreach (var m in shape.GetProperty("members").EnumerateObject())
        {
            if (PagingMembers.Contains(m.Name))
            {
                continue;
            }

            var element = new XElement(ns + m.Name);
            var memberShapeName = m.Value.GetProperty("shape").GetString()!;
            if (m.Name == "IsTruncated")
            {
                element.Value = "false";
            }
            else
            {
                FillXmlValue(model, element, memberShapeName, m.Name, ns);
            }

            parent.Add(element);
        }
    }

    private static void FillXmlValue(ServiceModel model, XElement element, string shapeName, string memberName, XNamespace ns)
    {
        var shape = model.Shape(shapeName);
        switch (shape.GetProperty("type").GetString())
        {
            case "structure":
                FillXml(model, element, shapeName, ns);
                break;
            case "list":
                var item = new XElement(ns + "member");
                FillXmlValue(model, item, shape.GetProperty("member").GetProperty("shape").GetString()!, memberName, ns);
                element.Add(item);
                break;
            default:
                element.Value = ScalarText(shape, memberName, "iso8601");
                break;
        }
    }

    private static string Json(ServiceModel model, string? output, string defaultTimestampFormat)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            if (output is null)
            {
                w.WriteStartObject();
                w.WriteEndObject();
            }
            else
            {
                WriteJson(model, w, output, null, defaultTimestampFormat, topLevel: true);
            }
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteJson(ServiceModel model, Utf8JsonWriter w, string shapeName, string? memberName, string defaultTimestampFormat, bool topLevel = false)
    {
        var shape = model.Shape(shapeName);
        switch (shape.GetProperty("type").GetString())
        {
            case "structure":
                w.WriteStartObject();
                var union = shape.TryGetProperty("union", out var u) && u.GetBoolean();
                foreach (var m in shape.GetProperty("members").EnumerateObject())
                {
                    if ((topLevel && PagingMembers.Contains(m.Name)) || m.Value.TryGetProperty("location", out _))
                    {
                        continue;
                    }

                    w.WritePropertyName(m.Name);
                    WriteJson(model, w, m.Value.GetProperty("shape").GetString()!, m.Name, defaultTimestampFormat);
                    if (union)
                    {
                        break;
                    }
                }

                w.WriteEndObject();
                break;
            case "list":
                w.WriteStartArray();
                WriteJson(model, w, shape.GetProperty("member").GetProperty("shape").GetString()!, memberName, defaultTimestampFormat);
                w.WriteEndArray();
                break;
            case "map":
                w.WriteStartObject();
                w.WriteEndObject();
                break;
            case "boolean":
                w.WriteBooleanValue(true);
                break;
            case "integer":
            case "long":
                w.WriteNumberValue(7);
                break;
            case "timestamp":
                var format = shape.TryGetProperty("timestampFormat", out var f) ? f.GetString() : defaultTimestampFormat;
                if (format == "iso8601")
                {
                    w.WriteStringValue(ScalarText(shape, memberName ?? "x", "iso8601"));
                }
                else
                {
                    w.WriteNumberValue(Timestamp.ToUnixTimeSeconds() + 0.5);
                }

                break;
            default:
                w.WriteStringValue(ScalarText(shape, memberName ?? "x", "iso8601"));
                break;
        }
    }

    private static string ScalarText(JsonElement shape, string memberName, string timestampFormat)
    {
        return shape.GetProperty("type").GetString() switch
        {
            "boolean" => "true",
            "integer" or "long" => "7",
            "timestamp" => timestampFormat == "iso8601" ? Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : Timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            _ => shape.TryGetProperty("enum", out var e) ? e[0].GetString()! : StringValue(memberName),
        };
    }
}
