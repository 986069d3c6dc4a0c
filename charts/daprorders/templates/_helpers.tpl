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
