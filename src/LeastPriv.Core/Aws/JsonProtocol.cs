using System.Globalization;
using System.Text.Json;

namespace LeastPriv.Core.Aws;

/// <summary>Small helpers for writing request bodies and reading answers of the JSON protocols.</summary>
internal static class AwsJson
{
    /// <summary>Writes an object with <paramref name="write"/> and returns the UTF-8 bytes.</summary>
    public static byte[] Object(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static void String(this Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    public static void Bool(this Utf8JsonWriter w, string name, bool? value)
    {
        if (value is not null)
        {
            w.WriteBoolean(name, value.Value);
        }
    }

    public static void Int(this Utf8JsonWriter w, string name, int? value)
    {
        if (value is not null)
        {
            w.WriteNumber(name, value.Value);
        }
    }

    public static void Strings(this Utf8JsonWriter w, string name, IEnumerable<string>? values)
    {
        if (values is null)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    public static void Tags(this Utf8JsonWriter w, string name, IEnumerable<AwsTag>? tags)
    {
        if (tags is null)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var t in tags)
        {
            w.WriteStartObject();
            w.WriteString("Key", t.Key);
            w.WriteString("Value", t.Value);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    public static JsonElement? Prop(this JsonElement e, string name)
        => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public static string? Str(this JsonElement e, string name) => e.Prop(name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    public static bool? Bool(this JsonElement e, string name) => e.Prop(name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => null,
    };

    public static int? Int(this JsonElement e, string name)
        => e.Prop(name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt32(out var i) ? i : null;

    /// <summary>JSON 1.1 timestamp: epoch seconds as a number (integer, decimal or exponent form).</summary>
    public static DateTimeOffset? Epoch(this JsonElement e, string name) => e.Prop(name) switch
    {
        { ValueKind: JsonValueKind.Number } v => AwsTimestamps.FromEpochSeconds(v.GetDouble()),
        { ValueKind: JsonValueKind.String } v when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => AwsTimestamps.FromEpochSeconds(d),
        { ValueKind: JsonValueKind.String } v => AwsTimestamps.ParseIso(v.GetString()!),
        _ => null,
    };

    /// <summary>REST-JSON timestamp with <c>timestampFormat: iso8601</c>.</summary>
    public static DateTimeOffset? Iso(this JsonElement e, string name) => e.Prop(name) switch
    {
        { ValueKind: JsonValueKind.String } v => AwsTimestamps.ParseIso(v.GetString()!),
        { ValueKind: JsonValueKind.Number } v => AwsTimestamps.FromEpochSeconds(v.GetDouble()),
        _ => null,
    };

    public static IEnumerable<JsonElement> Array(this JsonElement e, string name)
        => e.Prop(name) is { ValueKind: JsonValueKind.Array } v ? v.EnumerateArray() : Enumerable.Empty<JsonElement>();

    public static IReadOnlyList<string> StringList(this JsonElement e, string name)
        => e.Array(name).Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToArray();
}
