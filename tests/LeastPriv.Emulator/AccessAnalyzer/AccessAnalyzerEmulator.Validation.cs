using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LeastPriv.Emulator.AccessAnalyzer;

public sealed partial class AccessAnalyzerEmulator
{
    private static readonly HashSet<string> PolicyTypes = new(StringComparer.Ordinal)
    {
        "IDENTITY_POLICY", "RESOURCE_POLICY", "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY",
    };

    // POST /policy/validation
    private static string ValidatePolicy(JsonElement body, IQueryCollection query)
    {
        var document = body.TryGetProperty("policyDocument", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        if (document is null)
        {
            throw Invalid("policyDocument", "is required");
        }

        var policyType = body.TryGetProperty("policyType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (policyType is null || !PolicyTypes.Contains(policyType))
        {
            throw Invalid("policyType", "must be one of " + string.Join(", ", PolicyTypes.Order(StringComparer.Ordinal)));
        }

        var pageSize = int.MaxValue;
        if (query.TryGetValue("maxResults", out var max) && !string.IsNullOrEmpty(max.ToString()))
        {
            if (!int.TryParse(max.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out pageSize) || pageSize < 1)
            {
                throw Invalid("maxResults", "must be an integer of at least 1");
            }
        }

        var offset = DecodeToken(query);
        var findings = PolicyValidator.Validate(document, policyType);
        var page = findings.Skip(offset).Take(pageSize).ToArray();
        return Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("findings");
            foreach (var finding in page)
            {
                w.WriteStartObject();
                w.WriteString("findingDetails", finding.FindingDetails);
                w.WriteString("findingType", finding.FindingType);
                w.WriteString("issueCode", finding.IssueCode);
                w.WriteString("learnMoreLink", finding.LearnMoreLink);
                w.WriteStartArray("locations");
                foreach (var location in finding.Locations)
                {
                    w.WriteStartObject();
                    w.WriteStartArray("path");
                    foreach (var element in location.Path)
                    {
                        w.WriteStartObject();
                        if (element.Index is { } index)
                        {
                            w.WriteNumber("index", index);
                        }
                        else
                        {
                            w.WriteString("value", element.Value);
                        }

                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteStartObject("span");
                    WritePosition(w, "start", location.Start);
                    WritePosition(w, "end", location.End);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (offset + page.Length < findings.Count)
            {
                w.WriteString("nextToken", EncodeToken(offset + page.Length));
            }

            w.WriteEndObject();
        });
    }

    private static void WritePosition(Utf8JsonWriter writer, string name, TextPosition position)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("line", position.Line);
        writer.WriteNumber("column", position.Column);
        writer.WriteNumber("offset", position.Offset);
        writer.WriteEndObject();
    }
}
