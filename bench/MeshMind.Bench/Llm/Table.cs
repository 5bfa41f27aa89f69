using System.Globalization;

namespace MeshMind.Bench.Llm;

/// <summary>Fixed-width rows: a label, then two groups of p50/p95/p99 in milliseconds, then optional extra columns.</summary>
internal static class Table
{
    private const int LabelWidth = 34;

    public static string Header(string label, string first, string second, string extra = "") =>
        $"  {label,-LabelWidth} | {first,-26} | {second,-26} | {extra}\n" +
        $"  {"",-LabelWidth} | {"p50",8}{"p95",9}{"p99",9} | {"p50",8}{"p95",9}{"p99",9} |";

    public static string Row(string label, Percentiles first, Percentiles second, string extra = "") =>
        $"  {label,-LabelWidth} | {Ms(first.P50),8}{Ms(first.P95),9}{Ms(first.P99),9} | {Ms(second.P50),8}{Ms(second.P95),9}{Ms(second.P99),9} | {extra}";

    public static string Verdict(bool met) => met ? "met" : "NOT met";

    private static string Ms(double value) => value.ToString(Math.Abs(value) < 100 ? "F3" : "F1", CultureInfo.InvariantCulture);
}
