using DaprOrders.Deployment.Tests.Helm;
using DaprOrders.Deployment.Tests.Yaml;

namespace DaprOrders.Deployment.Tests;

/// <summary>The renderer behaves like Helm's text/template for the subset the chart uses.</summary>
public class TemplateEngineTests
{
    private static string Render(string template, string valuesYaml = "{}", string defines = "")
    {
        var (body, own) = TemplateParser.Parse(template, "test.yaml");
        var (_, extra) = TemplateParser.Parse(defines, "_helpers.tpl");
        var all = own.Concat(extra).ToDictionary(d => d.Key, d => d.Value);
        var root = new Dictionary<string, object?> { ["Values"] = YamlModel.Load(valuesYaml) };
        return new TemplateEvaluator(all).Execute(body, root);
    }

    [Fact]
    public void Trim_markers_remove_the_whitespace_on_their_side_only() =>
        Assert.Equal("a:1\n\nb|c", Render("a:  {{- 1 }}\n{{- /* left */}}\n\nb|{{- /* both */ -}}\n c"));

    [Fact]
    public void Range_over_a_map_visits_keys_in_sorted_order() =>
        Assert.Equal("a=1;b=2;c=3;", Render("{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ end }}", "m: {c: 3, a: 1, b: 2}"));

    [Fact]
    public void A_missing_key_renders_empty_but_a_field_of_nothing_fails()
    {
        Assert.Equal("[]", Render("[{{ .Values.missing }}]", "a: 1"));
        var error = Assert.Throws<TemplateException>(() => Render("{{ .Values.missing.enabled }}", "a: 1"));
        Assert.Contains("nil pointer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Functions_outside_the_subset_are_rejected() =>
        Assert.Throws<TemplateException>(() => Render("{{ .Values.a | b64enc }}", "a: x"));

    [Fact]
    public void Include_with_a_dict_and_nindent_indents_every_line() =>
        Assert.Equal("labels:\n  name: orders\n  part-of: x", Render(
            "labels:{{ include \"labels\" (dict \"name\" \"orders\") | nindent 2 }}", "{}",
            "{{- define \"labels\" -}}\nname: {{ .name }}\npart-of: x\n{{- end }}"));

    [Fact]
    public void Else_if_chooses_the_first_true_branch() =>
        Assert.Equal("two", Render("{{ if eq .Values.n 1 }}one{{ else if eq .Values.n 2 }}two{{ else }}many{{ end }}", "n: 2"));

    [Fact]
    public void Default_and_quote_follow_sprig() =>
        Assert.Equal("\"fallback\" \"set\"", Render(
            "{{ default \"fallback\" .Values.empty | quote }} {{ default \"fallback\" .Values.set | quote }}",
            "empty: \"\"\nset: set"));

    [Fact]
    public void ToYaml_sorts_keys_and_quotes_strings_that_YAML_would_read_as_other_types() =>
        Assert.Equal("a: \"true\"\nb: 1\nc:\n  d: \"0.5\"\n  e: plain", TemplateFunctions.ToYaml(
            YamlModel.Load("c: {e: plain, d: \"0.5\"}\nb: 1\na: \"true\"")));

    [Fact]
    public void Later_values_files_merge_deeply_and_null_deletes_a_key()
    {
        var merged = ChartRenderer.Merge(
            (Dictionary<string, object?>)YamlModel.Load("a: {x: 1, y: 2}\nb: keep\nc: drop")!,
            (Dictionary<string, object?>)YamlModel.Load("a: {y: 3}\nc: null")!);
        Assert.Equal("a:\n  x: 1\n  y: 3\nb: keep", TemplateFunctions.ToYaml(merged));
    }
}
