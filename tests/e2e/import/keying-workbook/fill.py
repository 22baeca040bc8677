# Keys two paper forms into the workbook by column name, as a person would
# (codes or labels), and writes ifylld.xlsx, then fel.xlsx with two bad cells.
import sys

import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Svar"]
col = {c.value: c.column for c in ws[1]}
rows = [
    {"löpnummer": 1, "hemtyp": "Jourhem", "ar_som_familjehem": 12, "antal_placerade": 2,
     "har_skolbarn": "Ja", "skola_samarbete": 4, "skola_information": "Stämmer helt",
     "stod_nojd": 5, "helhet_nojd": 4, "fortsatta": 1},
    {"löpnummer": 2, "hemtyp": 1, "har_skolbarn": 0, "stod_nojd": "Vet ej / ej aktuellt",
     "helhet_nojd": 9, "fortsatta": "Vet ej"},
]
for r, row in enumerate(rows, start=2):
    for name, value in row.items():
        ws.cell(row=r, column=col[name], value=value)
wb.save("ifylld.xlsx")
ws.cell(row=3, column=col["hemtyp"], value=4)
ws.cell(row=2, column=col["antal_placerade"], value=16)
wb.save("fel.xlsx")
