{{/* Labels of every object of one service. Call with (dict "root" $ "name" <app id>). */}}
{{- define "daprorders.labels" -}}
{{ include "daprorders.selectorLabels" . }}
app.kubernetes.io/part-of: daprorders
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end }}

{{/* The labels a Deployment selects its pods by; never change them on an installed release. */}}
{{- define "daprorders.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/* Labels of the shared objects (Dapr components, topics, ingress). */}}
{{- define "daprorders.commonLabels" -}}
app.kubernetes.io/part-of: daprorders
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{/* Secret holding the token daprd sends its app (APP_API_TOKEN). Call with the app id. */}}
{{- define "daprorders.appTokenSecret" -}}
{{ printf "%s-app-api-token" . }}
{{- end }}

{{/* Secret holding the token daprd requires from its app (DAPR_API_TOKEN). Call with the app id. */}}
{{- define "daprorders.apiTokenSecret" -}}
{{ printf "%s-dapr-api-token" . }}
{{- end }}

{{/* The port of "host:port" or "scheme://host:port[/path]"; fails the render when there is none. */}}
{{/* host:port of an endpoint URL (scheme and path dropped), as daprd's spec.tracing.otel.endpointAddress wants it. */}}
{{- define "daprorders.endpointHostPort" -}}
{{- regexReplaceAll "/.*$" (regexReplaceAll "^[a-z]+://" . "") "" -}}
{{- end }}

{{- define "daprorders.endpointPort" -}}
{{- $noScheme := regexReplaceAll "^[a-z]+://" . "" -}}
{{- $hostPort := regexReplaceAll "/.*$" $noScheme "" -}}
{{- $port := regexFind ":[0-9]+$" $hostPort | trimPrefix ":" -}}
{{- if not $port }}{{ fail (printf "endpoint '%s' names no port: the NetworkPolicies open egress by port" .) }}{{ end -}}
{{ $port }}
{{- end }}
