"""Small scenario texts that several hostile-input tests fill in or load as they are."""

#: a GENIUS domain with a discrete and an integer issue (upper bound ``{UB}``)
GENIUS_DOMAIN = """<negotiation_template>
<utility_space number_of_issues="2">
<objective index="0" name="root" type="objective" etype="objective">
<issue index="1" name="colour" type="discrete" etype="discrete" vtype="discrete">
<item index="1" value="red"/>
<item index="2" value="blue"/>
</issue>
<issue index="2" name="n" type="integer" etype="integer" vtype="integer"
 lowerbound="0" upperbound="{UB}"/>
</objective>
</utility_space>
</negotiation_template>
"""

#: a GENIUS profile for it; ``{EVAL}``, ``{SLOPE}``, ``{W1}``, ``{RES}``, ``{DISC}`` to fill in
GENIUS_PROFILE = """<utility_space number_of_issues="2">
<objective index="0" name="root" type="objective" etype="objective">
<issue index="1" name="colour" type="discrete" etype="discrete" vtype="discrete">
<item index="1" value="red" evaluation="{EVAL}"/>
<item index="2" value="blue" evaluation="1"/>
</issue>
<issue index="2" name="n" type="integer" etype="integer" vtype="integer"
 lowerbound="0" upperbound="3">
<evaluator ftype="linear" slope="{SLOPE}" offset="0"/>
</issue>
<weight index="1" value="{W1}"/>
<weight index="2" value="0.5"/>
</objective>
<reservation value="{RES}"/>
<discount_factor value="{DISC}"/>
</utility_space>
"""

#: a valid two-party accord YAML scenario of one issue
ACCORD = """\
accord: 1
name: tiny
issues:
  - {name: colour, values: [red, green]}
parties:
  - name: a
    utility:
      type: linear-additive
      weights: {colour: 1}
      values:
        colour: {table: {red: 1.0, green: 0.0}}
  - name: b
    utility:
      type: linear-additive
      weights: {colour: 1}
      values:
        colour: {table: {red: 0.0, green: 1.0}}
"""
